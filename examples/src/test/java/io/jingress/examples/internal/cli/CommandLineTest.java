package io.jingress.examples.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandLineTest {

    @TempDir
    Path dir;

    private static Options run(String... args) throws UsageException {
        return assertInstanceOf(Command.Run.class, CommandLine.parse(args)).options();
    }

    private static String error(String... args) {
        return assertThrows(UsageException.class, () -> CommandLine.parse(args)).getMessage();
    }

    @Test
    void noArgumentsRunTheDemoOnTheWalkthroughsNodePort() throws UsageException {
        Options options = run();
        assertEquals(Mode.DEMO, options.mode());
        assertEquals(30880, options.httpPort());
        assertEquals(Options.OFF, options.httpsPort());
        assertEquals(10254, options.adminPort());
        assertEquals("127.0.0.1", options.adminAddress());
        assertFalse(options.accessLog());
    }

    @Test
    void manifestsSelectFileModeWithUnprivilegedDefaults() throws UsageException, IOException {
        Path file = Files.writeString(dir.resolve("app.yaml"), "kind: List\n");
        Options options = run("--manifests", file.toString());
        assertEquals(Mode.FILES, options.mode());
        assertEquals(file, options.manifests());
        assertEquals(8080, options.httpPort());
        assertEquals(8443, options.httpsPort());
        assertEquals("jingress", options.ingressClass());
        assertEquals("jingress.io/ingress-controller", options.controllerClass());
        assertEquals("jingress.io/gateway-controller", options.gatewayController());
        assertEquals(List.of(), options.watchNamespaces());
    }

    @Test
    void flagsTakeTheirValueAfterASpaceOrAnEqualsSign() throws UsageException {
        Options options = run("--http-port=9000", "--admin-port", "9001", "--https-port=off", "--access-log",
                "--proxy-protocol");
        assertEquals(9000, options.httpPort());
        assertEquals(9001, options.adminPort());
        assertEquals(Options.OFF, options.httpsPort());
        assertTrue(options.accessLog());
        assertTrue(options.proxyProtocol());
    }

    @Test
    void portZeroMeansAnyFreePort() throws UsageException {
        Options options = run("--http-port", "0", "--admin-port", "0");
        assertEquals(0, options.httpPort());
        assertEquals(0, options.adminPort());
    }

    @Test
    void inClusterTakesEveryClusterFlag() throws UsageException {
        Options options = run("--in-cluster", "--publish-service=jingress/jingress", "--election-id=jingress-leader",
                "--watch-namespace", "default,shop", "--watch-namespace=kube-public", "--ingress-class", "edge",
                "--controller-class", "example.com/edge", "--watch-ingress-without-class=true",
                "--gateway-controller", "example.com/gateway",
                "--publish-status-address", "192.0.2.10,lb.example.com", "--admin-address", "0.0.0.0");
        assertEquals(Mode.CLUSTER, options.mode());
        assertTrue(options.inCluster());
        assertEquals("jingress/jingress", options.publishService());
        assertEquals("jingress-leader", options.electionId());
        assertEquals(List.of("default", "shop", "kube-public"), options.watchNamespaces());
        assertEquals("edge", options.ingressClass());
        assertEquals("example.com/edge", options.controllerClass());
        assertEquals("example.com/gateway", options.gatewayController());
        assertTrue(options.watchIngressWithoutClass());
        assertEquals(List.of("192.0.2.10", "lb.example.com"), options.publishStatusAddresses());
        assertEquals("0.0.0.0", options.adminAddress());
    }

    @Test
    void kubeconfigTakesAContext() throws UsageException, IOException {
        Path kubeconfig = Files.writeString(dir.resolve("config"), "apiVersion: v1\n");
        Options options = run("--kubeconfig", kubeconfig.toString(), "--context", "kind-kind");
        assertEquals(Mode.CLUSTER, options.mode());
        assertEquals(kubeconfig, options.kubeconfig());
        assertEquals("kind-kind", options.context());
    }

    @Test
    void aPortThatIsNotANumberIsRejectedWithTheFlagAndTheValue() {
        assertEquals("--http-port: \"abc\" is not a port number (1-65535, or 0 for any free port)",
                error("--http-port", "abc"));
        assertEquals("--http-port: \"65536\" is not a port number (1-65535, or 0 for any free port)",
                error("--http-port=65536"));
        assertEquals("--https-port: \"-1\" is not a port number (1-65535, 0 for any free port, or off)",
                error("--https-port", "-1"));
        assertEquals("--https-redirect-port: \"0\" is not a port number (1-65535, or off)",
                error("--https-redirect-port", "0"));
        assertEquals("--https-redirect-port: \"x\" is not a port number (1-65535, or off)",
                error("--https-redirect-port=x"));
    }

    @Test
    void theRedirectPortIsTheHttpsListenersUnlessGiven() throws UsageException {
        assertEquals(Options.SAME_PORT, run().httpsRedirectPort());
        assertEquals(30443, run("--https-redirect-port", "30443").httpsRedirectPort());
        assertEquals(443, run("--https-redirect-port=443").httpsRedirectPort());
        assertEquals(Options.OFF, run("--https-redirect-port", "off").httpsRedirectPort());
    }

    @Test
    void aRedirectPortWithoutAnHttpsListenerIsAWarningUnlessTlsEndsAtATrustedProxy() throws UsageException, IOException {
        String file = Files.writeString(dir.resolve("app.yaml"), "kind: List\n").toString();

        List<String> warnings = run("--manifests", file, "--https-port", "off", "--https-redirect-port", "443").warnings();

        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("--https-redirect-port 443 with --https-port off: "), warnings.get(0));
        assertTrue(warnings.get(0).contains("--trusted-proxies"), warnings.get(0));
        assertEquals(List.of(), run("--manifests", file, "--https-port=off", "--https-redirect-port=443",
                "--trusted-proxies", "10.0.0.0/8").warnings(), "TLS ended in front: the documented use");
        assertEquals(1, run("--https-redirect-port", "30443").warnings().size(), "the demo has no HTTPS listener");
        assertEquals(List.of(), run("--manifests", file, "--https-redirect-port", "443").warnings());
        assertEquals(List.of(), run("--manifests", file, "--https-port", "off", "--https-redirect-port", "off").warnings());
        assertEquals(List.of(), run("--manifests", file).warnings());
    }

    @Test
    void anAdminAddressWithoutTheAdminListenerIsRejected() {
        assertEquals("--admin-address needs the admin listener, and --admin-port is off",
                error("--admin-port", "off", "--admin-address", "0.0.0.0"));
    }

    @Test
    void helpAndVersionTakeNoValue() {
        // "--help=false" printed the help
        assertEquals("--help takes no value", error("--help=false"));
        assertEquals("--version takes no value", error("--version=true"));
    }

    @Test
    void sslPassthroughWithoutAnHttpsListenerIsRejected() throws IOException {
        String file = Files.writeString(dir.resolve("app.yaml"), "kind: List\n").toString();

        assertEquals("--enable-ssl-passthrough needs the HTTPS listener, where TLS is passed through, and --https-port"
                + " is off: give --https-port N", error("--manifests", file, "--https-port", "off", "--enable-ssl-passthrough"));
        assertEquals("--enable-ssl-passthrough needs the HTTPS listener, where TLS is passed through, and --https-port"
                + " is off in the demo: give --https-port N", error("--enable-ssl-passthrough"));
    }

    @Test
    void hstsIsIngressNginxsYearUnlessGivenOrOff() throws UsageException {
        assertEquals(31_536_000L, run().hstsMaxAge());
        assertEquals(600L, run("--hsts-max-age", "600").hstsMaxAge());
        assertEquals(0L, run("--hsts-max-age=0").hstsMaxAge());
        assertEquals(Options.OFF, run("--hsts-max-age", "off").hstsMaxAge());
        assertEquals("--hsts-max-age: \"-1\" is not a number of seconds (such as 31536000), or off",
                error("--hsts-max-age=-1"));
        assertEquals("--hsts-max-age: \"1y\" is not a number of seconds (such as 31536000), or off",
                error("--hsts-max-age", "1y"));
    }

    @Test
    void theServersBodyLimitIsNoneUnlessGivenAsNginxWritesSizes() throws UsageException {
        assertEquals(0L, run().proxyBodySize());
        assertEquals(8L << 20, run("--proxy-body-size", "8m").proxyBodySize());
        assertEquals(1500L, run("--proxy-body-size=1500").proxyBodySize());
        assertEquals(1L << 30, run("--proxy-body-size", "1G").proxyBodySize());
        assertEquals(0L, run("--proxy-body-size", "0").proxyBodySize());
        assertEquals("--proxy-body-size: \"8mb\" is not a size (bytes, or a number with k, m or g, such as 8m;"
                + " 0 for no limit)", error("--proxy-body-size", "8mb"));
        assertEquals("--proxy-body-size: \"-1\" is not a size (bytes, or a number with k, m or g, such as 8m;"
                + " 0 for no limit)", error("--proxy-body-size=-1"));
    }

    @Test
    void trustedProxiesTakeRangesCommaSeparatedOrRepeatedAndABadOneIsNamed() throws UsageException {
        assertEquals(List.of(), run().trustedProxies());
        assertEquals(List.of("10.0.0.0/8", "2001:db8::/32", "192.168.1.7"),
                run("--trusted-proxies", "10.0.0.0/8, 2001:db8::/32", "--trusted-proxies=192.168.1.7").trustedProxies());
        assertEquals("--trusted-proxies: \"10.0.0.0/33\" is not an IPv4 or IPv6 address or CIDR range (such as"
                + " 10.0.0.0/8 or 2001:db8::/32)", error("--trusted-proxies", "10.0.0.0/8,10.0.0.0/33"));
        assertEquals("--trusted-proxies: \"lb.example.com\" is not an IPv4 or IPv6 address or CIDR range (such as"
                + " 10.0.0.0/8 or 2001:db8::/32)", error("--trusted-proxies=lb.example.com"));
        assertEquals("--trusted-proxies: \"\" is not an IPv4 or IPv6 address or CIDR range (such as"
                + " 10.0.0.0/8 or 2001:db8::/32)", error("--trusted-proxies", "10.0.0.0/8,"));
    }

    @Test
    void allowedResponseHeadersTakeNamesCommaSeparatedOrRepeatedAndABadOneIsNamed() throws UsageException {
        assertEquals(List.of(), run().allowedResponseHeaders());
        assertEquals(List.of("X-Frame-Options", "content-security-policy", "X-Team"),
                run("--allowed-response-headers", "X-Frame-Options, content-security-policy",
                        "--allowed-response-headers=X-Team").allowedResponseHeaders());
        assertEquals("--allowed-response-headers: \"X Team\" is not a header name (letters, digits and"
                + " !#$%&'*+-.^_`|~, such as X-Frame-Options)", error("--allowed-response-headers", "X-Frame-Options,X Team"));
        assertEquals("--allowed-response-headers: \"\" is not a header name (letters, digits and"
                + " !#$%&'*+-.^_`|~, such as X-Frame-Options)", error("--allowed-response-headers=X-Team,"));
    }

    @Test
    void anUnknownFlagSuggestsTheNearestOne() {
        assertEquals("unknown flag --htp-port (did you mean --http-port?)", error("--htp-port", "1"));
        assertEquals("unknown flag --frobnicate (see --help)", error("--frobnicate"));
    }

    @Test
    void aMissingValueIsNamed() {
        assertEquals("--manifests needs a value (PATH)", error("--manifests"));
        assertEquals("--http-port needs a value (N)", error("--http-port", "--access-log"));
    }

    @Test
    void aMissingManifestPathIsRejectedBeforeStarting() {
        String missing = dir.resolve("nope.yaml").toString();
        assertEquals("--manifests: \"" + missing + "\" does not exist", error("--manifests", missing));
    }

    @Test
    void twoModesAreRejected() throws IOException {
        Path file = Files.writeString(dir.resolve("app.yaml"), "kind: List\n");
        assertEquals("--manifests and --in-cluster are different modes: give one",
                error("--manifests", file.toString(), "--in-cluster"));
        assertEquals("--kubeconfig and --in-cluster are two ways to reach the API: give one",
                error("--kubeconfig", file.toString(), "--in-cluster"));
    }

    @Test
    void clusterFlagsOutsideClusterModeAreRejected() {
        assertEquals("--publish-service only applies in cluster mode (--kubeconfig or --in-cluster)",
                error("--publish-service", "jingress/jingress"));
        assertEquals("--context needs --kubeconfig", error("--in-cluster", "--context", "x"));
    }

    @Test
    void theDefaultCertificateIsASecretNameAndNeedsAnHttpsListener() throws Exception {
        assertEquals("ingress/wildcard-tls", run("--in-cluster", "--default-ssl-certificate", "ingress/wildcard-tls")
                .defaultSslCertificate());
        assertEquals(null, run("--in-cluster").defaultSslCertificate());
        assertEquals("--default-ssl-certificate: \"wildcard-tls\" is not namespace/name (such as jingress/jingress)",
                error("--in-cluster", "--default-ssl-certificate", "wildcard-tls"));
        assertEquals("--default-ssl-certificate needs an HTTPS listener: it is served on --https-port, which is off",
                error("--in-cluster", "--https-port", "off", "--default-ssl-certificate", "ingress/wildcard-tls"));
        assertEquals("--default-ssl-certificate does not apply to the demo: use it with --manifests, --kubeconfig or"
                + " --in-cluster", error("--default-ssl-certificate", "ingress/wildcard-tls"));
    }

    @Test
    void classFlagsDoNotApplyToTheDemo() {
        assertEquals("--ingress-class does not apply to the demo: use it with --manifests, --kubeconfig or"
                + " --in-cluster", error("--ingress-class", "nginx"));
    }

    @Test
    void badNamesAndAddressesAreRejected() {
        assertEquals("--publish-service: \"jingress\" is not namespace/name (such as jingress/jingress)",
                error("--in-cluster", "--publish-service", "jingress"));
        assertEquals("--watch-namespace: \"Default\" is not a namespace name (lower-case letters, digits and '-',"
                + " at most 63)", error("--in-cluster", "--watch-namespace", "Default"));
        assertEquals("--admin-address: \"example.com\" is not an IP address (such as 127.0.0.1, 0.0.0.0 or ::)",
                error("--admin-address", "example.com"));
        assertEquals("--watch-ingress-without-class: \"yes\" is not true or false",
                error("--in-cluster", "--watch-ingress-without-class=yes"));
    }

    @Test
    void aFlagGivenTwiceIsRejectedUnlessRepeatable() {
        assertEquals("--http-port is given twice", error("--http-port", "1", "--http-port", "2"));
    }

    @Test
    void twoListenersOnOnePortAreRejected() {
        assertEquals("--http-port and --admin-port are both 9000: give them different ports",
                error("--http-port", "9000", "--admin-port", "9000"));
    }

    @Test
    void aBareWordIsRejected() {
        assertEquals("unexpected argument \"demo\" (flags start with --; see --help)", error("demo"));
        assertEquals("unexpected argument \"false\": --access-log is a switch; write --access-log=false",
                error("--access-log", "false"));
        assertEquals("unexpected argument \"true\" (flags start with --; see --help)", error("--http-port", "80", "true"));
    }

    @Test
    void helpAndVersionWinOverEverythingElse() throws UsageException {
        assertInstanceOf(Command.Help.class, CommandLine.parse("--http-port", "1", "--help"));
        assertInstanceOf(Command.Help.class, CommandLine.parse("-h"));
        assertInstanceOf(Command.Version.class, CommandLine.parse("--version"));
    }

    @Test
    void helpListsEveryFlagWithItsDefault() {
        String usage = CommandLine.usage();
        for (String flag : CommandLine.flagNames()) {
            assertTrue(usage.contains("  " + flag), () -> flag + " is missing from the help:\n" + usage);
        }
        for (String expected : List.of("(default: 8080; 30880 in the demo)", "(default: 8443; off in the demo)",
                "(default: 10254)", "(default: 127.0.0.1)", "(default: jingress)",
                "(default: jingress.io/ingress-controller)", "(default: jingress-leader)",
                "(default: all namespaces)", "(default: the HTTPS port; off without one)",
                "(default: 31536000 (a year))")) {
            assertTrue(usage.contains(expected), () -> expected + " is missing from the help:\n" + usage);
        }
    }
}
