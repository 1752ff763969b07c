package io.jingress.examples.internal.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.examples.internal.cli.Command;
import io.jingress.examples.internal.cli.CommandLine;
import io.jingress.examples.internal.cli.UsageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExplainTest {

    private static final String WALKTHROUGH = """
            apiVersion: v1
            kind: Service
            metadata: {name: kubia, namespace: default}
            spec:
              ports: [{port: 80, targetPort: 8080}]
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata:
              name: kubia-abcde
              namespace: default
              labels: {kubernetes.io/service-name: kubia}
            addressType: IPv4
            ports: [{port: 8080}]
            endpoints:
              - addresses: ["10.244.1.32"]
              - addresses: ["10.244.2.31"]
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: ingress-myapp, namespace: default}
            spec:
              ingressClassName: jingress
              rules:
                - host: myapp.kubia.com
                  http:
                    paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: kubia, port: {number: 80}}}}
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: broken, namespace: default}
            spec:
              ingressClassName: jingress
              rules:
                - host: broken.kubia.com
                  http:
                    paths:
                      - {path: api, pathType: Prefix, backend: {service: {name: kubia, port: {number: 80}}}}
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: secure, namespace: default}
            spec:
              ingressClassName: jingress
              tls: [{hosts: [secure.kubia.com], secretName: secure-tls}]
              rules:
                - host: secure.kubia.com
                  http:
                    paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: kubia, port: {number: 80}}}}
            """;

    @TempDir
    Path dir;

    private String explain(String url, String... flags) throws Exception {
        Path file = Files.writeString(dir.resolve("kubia.yaml"), WALKTHROUGH);
        List<String> args = new ArrayList<>(List.of("--manifests", file.toString(), "--explain", url));
        args.addAll(List.of(flags));
        Command.Explain explain = assertInstanceOf(Command.Explain.class, CommandLine.parse(args.toArray(String[]::new)));
        return Explain.text(explain.options(), explain.url());
    }

    @Test
    void aRoutedRequestNamesEveryHop() throws Exception {
        String text = explain("http://myapp.kubia.com/any/path");
        assertTrue(text.startsWith("GET http://myapp.kubia.com/any/path -> 200 forwarded\n"), text);
        assertTrue(text.contains("Ingress default/ingress-myapp, rule 0, path 0: / (Prefix)"), text);
        assertTrue(text.contains("Service default/kubia, port 80 -> targetPort 8080"), text);
        assertTrue(text.contains("ready endpoints: 10.244.1.32:8080, 10.244.2.31:8080"), text);
    }

    @Test
    void watchedNamespacesAreNamedAndAHostOfAnotherNamespaceIsExplained() throws Exception {
        String text = explain("http://myapp.kubia.com/", "--watch-namespace", "shop,web");

        assertTrue(text.startsWith("GET http://myapp.kubia.com/ -> 404 "), text);
        assertTrue(text.contains("Ingress default/ingress-myapp has a rule for this host but is not served: its namespace"
                + " default is not watched (watched: shop, web)"), text);
        assertTrue(text.contains("\nonly the Ingresses in namespaces shop, web are served (--watch-namespace)\n"), text);
        assertTrue(!explain("http://myapp.kubia.com/").contains("--watch-namespace"), "not said when not given");
    }

    @Test
    void theRedirectOfATlsHostNamesThePortTheServerWould() throws Exception {
        String tls = "http://secure.kubia.com/a?b=1";
        String redirect = "GET " + tls + " -> 308 the host is listed in an Ingress's spec.tls";
        String text = explain(tls);
        assertTrue(text.startsWith(redirect) && text.contains("\n  Location: https://secure.kubia.com:8443/a?b=1"),
                text);
        text = explain(tls, "--https-redirect-port", "30443");
        assertTrue(text.startsWith(redirect) && text.contains("\n  Location: https://secure.kubia.com:30443/a?b=1"),
                text);
        text = explain(tls, "--https-redirect-port", "443");
        assertTrue(text.startsWith(redirect) && text.contains("\n  Location: https://secure.kubia.com/a?b=1"), text);
        // no redirect: forwarded over plain HTTP, as the server would
        text = explain(tls, "--https-port", "off");
        assertTrue(text.startsWith("GET " + tls + " -> 200 forwarded") && !text.contains("Location"), text);
        text = explain(tls, "--https-redirect-port", "off");
        assertTrue(text.startsWith("GET " + tls + " -> 200 forwarded") && !text.contains("Location"), text);
    }

    @Test
    void sslPassthroughIsReportedAsWithoutEffectOnlyWithoutTheFlag() throws Exception {
        Files.writeString(dir.resolve("kubia.yaml"), WALKTHROUGH.replace(
                "metadata: {name: ingress-myapp, namespace: default}",
                "metadata: {name: ingress-myapp, namespace: default, annotations:"
                        + " {nginx.ingress.kubernetes.io/ssl-passthrough: \"true\"}}"));
        String url = "http://myapp.kubia.com/";
        String file = dir.resolve("kubia.yaml").toString();
        Command.Explain off = assertInstanceOf(Command.Explain.class, CommandLine.parse("--manifests", file, "--explain", url));
        Command.Explain on = assertInstanceOf(Command.Explain.class, CommandLine.parse("--manifests", file, "--explain", url,
                "--enable-ssl-passthrough"));

        String without = Explain.text(off.options(), off.url());
        assertTrue(without.contains("ssl-passthrough: \"true\" has no effect: the controller was not started with"
                + " --enable-ssl-passthrough"), without);
        String with = Explain.text(on.options(), on.url());
        assertTrue(!with.contains("ssl-passthrough") && with.startsWith("GET " + url + " -> 200 forwarded"),
                "plain HTTP is routed as usual: " + with);
    }

    @Test
    void theHttpRoutesOfAGatewayClassOfAnotherControllerNameAreServedWithGatewayController() throws Exception {
        Path file = Files.writeString(dir.resolve("kubia.yaml"), WALKTHROUGH + """
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: GatewayClass
                metadata: {name: edge}
                spec: {controllerName: example.com/gateway}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: web, namespace: default}
                spec:
                  gatewayClassName: edge
                  listeners: [{name: http, port: 80, protocol: HTTP}]
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: gw, namespace: default}
                spec:
                  parentRefs: [{name: web}]
                  hostnames: [gw.kubia.com]
                  rules: [{backendRefs: [{name: kubia, port: 80}]}]
                """);
        String url = "http://gw.kubia.com/";
        Command.Explain ours = assertInstanceOf(Command.Explain.class, CommandLine.parse("--manifests", file.toString(),
                "--explain", url, "--gateway-controller", "example.com/gateway", "--allowed-response-headers", "X-A"));
        Command.Explain theirs = assertInstanceOf(Command.Explain.class, CommandLine.parse("--manifests", file.toString(),
                "--explain", url));

        String text = Explain.text(ours.options(), ours.url());
        assertTrue(text.startsWith("GET " + url + " -> 200 forwarded") && text.contains(" default/gw, rule 0"), text);
        text = Explain.text(theirs.options(), theirs.url());
        assertTrue(text.startsWith("GET " + url + " -> 404"), text);
    }

    @Test
    void theHeadersOfCustomHeadersAreShownWhenTheFlagAllowsThem() throws Exception {
        Path file = Files.writeString(dir.resolve("kubia.yaml"), WALKTHROUGH.replace(
                "metadata: {name: ingress-myapp, namespace: default}",
                "metadata: {name: ingress-myapp, namespace: default, annotations:"
                        + " {nginx.ingress.kubernetes.io/custom-headers: myapp-headers}}")
                + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: myapp-headers, namespace: default}\n"
                + "data: {X-Frame-Options: DENY}\n");
        String url = "http://myapp.kubia.com/";
        Command.Explain allowed = assertInstanceOf(Command.Explain.class, CommandLine.parse("--manifests", file.toString(),
                "--explain", url, "--allowed-response-headers", "X-Frame-Options"));
        Command.Explain none = assertInstanceOf(Command.Explain.class, CommandLine.parse("--manifests", file.toString(),
                "--explain", url));

        String text = Explain.text(allowed.options(), allowed.url());
        assertTrue(text.contains("response headers X-Frame-Options: \"DENY\" (custom-headers, ConfigMap default/myapp-headers)"),
                text);
        text = Explain.text(none.options(), none.url());
        assertTrue(!text.contains("annotations: response headers") && text.contains("key \"X-Frame-Options\" is not among the response"
                + " headers the controller allows (--allowed-response-headers: none)"), text);
    }

    @Test
    void aRejectedIngressIsListedWithItsField() throws Exception {
        String text = explain("http://broken.kubia.com/api");
        assertTrue(text.startsWith("GET http://broken.kubia.com/api -> 404"), text);
        assertTrue(text.contains("Ingress default/broken: spec.rules[0].http.paths[0].path"), text);
    }

    @Test
    void aKubectlDumpListIsExplainedLikeSeparateDocuments() throws Exception {
        // kubectl get ingressclasses,ingresses,services,endpointslices -A -o yaml
        Path dump = Files.writeString(dir.resolve("cluster.yaml"), """
                apiVersion: v1
                kind: List
                metadata: {resourceVersion: ""}
                items:
                  - apiVersion: networking.k8s.io/v1
                    kind: IngressClass
                    metadata:
                      name: jingress
                      annotations: {ingressclass.kubernetes.io/is-default-class: "true"}
                    spec: {controller: jingress.io/ingress-controller}
                  - apiVersion: networking.k8s.io/v1
                    kind: Ingress
                    metadata: {name: ingress-myapp, namespace: default, uid: 1b2c, resourceVersion: "42"}
                    spec:
                      rules:
                        - host: myapp.kubia.com
                          http:
                            paths:
                              - {path: /, pathType: Prefix, backend: {service: {name: kubia, port: {number: 80}}}}
                    status: {loadBalancer: {ingress: [{ip: 10.104.151.10}]}}
                  - apiVersion: v1
                    kind: Service
                    metadata: {name: kubia, namespace: default}
                    spec: {clusterIP: 10.107.59.127, ports: [{port: 80, protocol: TCP, targetPort: 8080}]}
                  - apiVersion: discovery.k8s.io/v1
                    kind: EndpointSlice
                    metadata:
                      name: kubia-x7k2p
                      namespace: default
                      labels: {kubernetes.io/service-name: kubia}
                    addressType: IPv4
                    ports: [{name: "", port: 8080, protocol: TCP}]
                    endpoints:
                      - addresses: ["10.244.1.32"]
                        conditions: {ready: true}
                      - addresses: ["10.244.2.31"]
                        conditions: {ready: false}
                """);
        Command.Explain explain = assertInstanceOf(Command.Explain.class,
                CommandLine.parse("--manifests", dump.toString(), "--explain", "http://myapp.kubia.com/"));
        String text = Explain.text(explain.options(), explain.url());
        assertTrue(text.startsWith("GET http://myapp.kubia.com/ -> 200 forwarded"), text);
        assertTrue(text.contains("ready endpoints: 10.244.1.32:8080\n"), text);
    }

    @Test
    void explainNeedsManifests() {
        assertEquals("--explain needs --manifests", assertThrows(UsageException.class,
                () -> CommandLine.parse("--explain", "http://myapp.kubia.com/")).getMessage());
    }
}
