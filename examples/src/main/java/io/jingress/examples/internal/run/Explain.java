package io.jingress.examples.internal.run;

import io.jingress.core.lb.Balancers;
import io.jingress.core.model.Problem;
import io.jingress.core.route.RouteCompiler;
import io.jingress.examples.StartException;
import io.jingress.examples.internal.cli.Options;
import io.jingress.k8s.RouteExplainer;
import io.jingress.k8s.RouteExplanation;
import java.util.List;
import java.util.TreeSet;

/** {@code --manifests PATH --explain URL}: where a request goes and why, without starting a server. */
public final class Explain {

    private Explain() {
    }

    /**
     * The explanation as lines for a person: the decision and the hops, then the problems of the
     * configuration, if any.
     *
     * @throws StartException (exit code 1) when the manifests cannot be read
     */
    public static String text(Options options, String url) throws StartException {
        RouteExplainer explainer;
        try {
            explainer = RouteExplainer.fromManifests(options.manifests(), Launcher.adapterOptions(options))
                    .compiledWith(RouteCompiler.create(Balancers.create())
                            .withAllowedResponseHeaders(options.allowedResponseHeaders())
                            .withSslPassthrough(options.sslPassthrough())
                            .withGatewayController(options.gatewayController())
                            .withDefaultCertificate(options.defaultSslCertificate())
                            .withConfigMap(options.configMap())
                            .withDefaultBackendService(options.defaultBackendService()));
        } catch (IllegalArgumentException e) {
            throw new StartException("--manifests " + options.manifests() + ": " + e.getMessage(), 1, e);
        }
        RouteExplanation explanation = explainer.httpsRedirectPort(redirectPort(options)).explain("GET", url);
        StringBuilder text = new StringBuilder(explanation.toString()).append('\n');
        if (!options.watchNamespaces().isEmpty()) {
            List<String> namespaces = new TreeSet<>(options.watchNamespaces()).stream().toList();
            text.append("only the Ingresses in namespace").append(namespaces.size() == 1 ? " " : "s ")
                    .append(String.join(", ", namespaces)).append(" are served (--watch-namespace)\n");
        }
        if (!explainer.problems().isEmpty()) {
            text.append("problems in ").append(options.manifests()).append(":\n");
            for (Problem problem : explainer.problems()) {
                text.append("  ").append(problem).append('\n');
            }
        }
        return text.toString();
    }

    // the port the server these options start would redirect to: 0 for none, 443 when the HTTPS
    // port is "any free port" (not known before it binds)
    private static int redirectPort(Options options) {
        int redirect = options.httpsRedirectPort();
        if (redirect == Options.OFF) {
            return 0;
        }
        if (redirect != Options.SAME_PORT) {
            return redirect;
        }
        int https = options.httpsPort();
        return https == Options.OFF ? 0 : https == 0 ? 443 : https;
    }
}
