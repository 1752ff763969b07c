package io.jingress.examples.internal.run;

import io.jingress.core.lb.Balancers;
import io.jingress.core.route.RouteCompiler;
import io.jingress.core.route.Router;
import io.jingress.examples.StartException;
import io.jingress.examples.internal.cli.Mode;
import io.jingress.examples.internal.cli.Options;
import io.jingress.examples.internal.demo.KubiaManifest;
import io.jingress.examples.internal.demo.KubiaPods;
import io.jingress.jetty.IngressServer;
import io.jingress.k8s.AdapterOptions;
import io.jingress.k8s.KubernetesSource;
import io.jingress.k8s.ManifestSource;
import io.jingress.k8s.RouteSink;
import io.jingress.k8s.RouteUpdater;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts what the options ask for: the server, and the demo's pods, the manifest files or the API as its source. */
public final class Launcher {

    /** How long cluster mode waits for the API server's first complete answer before giving up. */
    static final Duration API_TIMEOUT = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger("io.jingress.examples.Main");

    private Launcher() {
    }

    /**
     * Starts serving; returns once the listeners are bound and the first configuration is served.
     *
     * @param console where the demo prints what it started and what to try
     * @throws StartException with exit code 1 and one line saying what failed
     */
    public static Running launch(Options options, PrintStream console) throws StartException {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(console, "console");
        for (String warning : options.warnings()) {
            log.warn("{}", warning);
        }
        Balancers balancers = Balancers.create();
        RouteCompiler compiler = RouteCompiler.create(balancers).withAllowedResponseHeaders(options.allowedResponseHeaders())
                .withSslPassthrough(options.sslPassthrough()).withGatewayController(options.gatewayController())
                .withDefaultCertificate(options.defaultSslCertificate()).withConfigMap(options.configMap())
                .withDefaultBackendService(options.defaultBackendService());
        if (options.tcpServicesConfigMap() != null) {
            compiler = compiler.withTcpServices(options.tcpServicesConfigMap(), reservedPorts(options));
        }
        Router router = Router.create();
        List<AutoCloseable> feeders = new ArrayList<>();
        AtomicReference<KubernetesSource> cluster = new AtomicReference<>();
        AtomicReference<ManifestSource> files = new AtomicReference<>();
        IngressServer server = null;
        try {
            KubiaPods pods = null;
            Path manifest = null;
            // The demo and file mode load their routes before listening, so no request meets an
            // empty table; cluster mode listens first, so /healthz can say 503 while the API syncs.
            switch (options.mode()) {
                case DEMO -> {
                    pods = KubiaPods.start();
                    feeders.add(pods);
                    TempDirectory dir = TempDirectory.create("jingress-demo-");
                    feeders.add(dir);
                    manifest = KubiaManifest.write(pods, dir.path());
                    feeders.add(startFiles(manifest, options, router, compiler, files));
                }
                case FILES -> feeders.add(startFiles(options.manifests(), options, router, compiler, files));
                case CLUSTER -> { }
                default -> throw new IllegalStateException(options.mode().toString());
            }
            server = startServer(options, router, cluster, files);
            if (options.mode() == Mode.CLUSTER) {
                feeders.add(startCluster(options, RouteUpdater.builder().router(router).compiler(compiler).build(), cluster));
            }
            if (pods != null) {
                console.print(DemoBanner.text(pods, manifest, server.httpPort(),
                        server.adminPort() < 0 ? null : options.adminAddress(), server.adminPort()));
            }
            return new Running(server, router, feeders);
        } catch (StartException | RuntimeException | IOException | InterruptedException e) {
            if (server != null) {
                server.stop();
            }
            for (int i = feeders.size() - 1; i >= 0; i--) {
                closeQuietly(feeders.get(i));
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            if (e instanceof StartException start) {
                throw start;
            }
            String bind = BindFailures.describe(e, options);
            throw new StartException(bind != null ? bind : e.getMessage(), 1, e);
        }
    }

    private static IngressServer startServer(Options options, Router router, AtomicReference<KubernetesSource> cluster,
            AtomicReference<ManifestSource> files) {
        IngressServer.Builder builder = IngressServer.builder(router)
                .httpPort(options.httpPort())
                .accessLog(options.accessLog())
                .proxyProtocol(options.proxyProtocol())
                .trustedProxies(options.trustedProxies())
                .maxRequestBodyBytes(options.proxyBodySize());
        if (options.httpsPort() != Options.OFF) {
            builder.httpsPort(options.httpsPort());
        }
        if (options.hstsMaxAge() == Options.OFF) {
            builder.disableHsts();
        } else {
            builder.hsts(Duration.ofSeconds(options.hstsMaxAge()), true);
        }
        if (options.httpsRedirectPort() != Options.SAME_PORT) {
            builder.httpsRedirectPort(options.httpsRedirectPort() == Options.OFF ? 0 : options.httpsRedirectPort());
        }
        if (options.adminPort() == Options.OFF) {
            builder.disableAdmin();
        } else {
            builder.adminPort(options.adminPort()).adminBindAddress(options.adminAddress());
            SourceMetrics.register(builder, options.mode(), cluster, files);
        }
        return builder.build().start();
    }

    private static ManifestSource startFiles(Path path, Options options, Router router, RouteCompiler compiler,
            AtomicReference<ManifestSource> files) throws StartException {
        try {
            ManifestSource source = ManifestSource.builder()
                    .path(path)
                    .options(adapterOptions(options))
                    .router(router)
                    .compiler(compiler)
                    .build();
            files.set(source);
            return source.start();
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new StartException("--manifests " + path + ": " + e.getMessage(), 1, e);
        }
    }

    private static KubernetesSource startCluster(Options options, RouteSink sink, AtomicReference<KubernetesSource> cluster)
            throws StartException, InterruptedException {
        KubernetesSource.Builder builder = KubernetesSource.builder(sink)
                .options(adapterOptions(options))
                .gatewayController(options.gatewayController())
                .useEnvProxy(options.useEnvProxy());
        if (options.inCluster()) {
            builder.inCluster();
        } else {
            builder.kubeconfig(options.kubeconfig()).context(options.context());
        }
        KubernetesSource source = builder.build();
        cluster.set(source);
        source.start();
        log.info("cluster mode: waiting for the API server ({})",
                options.inCluster() ? "in cluster" : "kubeconfig " + options.kubeconfig());
        if (!source.awaitServing(API_TIMEOUT)) {
            source.close();
            String url = ApiServerProbe.url(options);
            throw new StartException("no complete answer from the API server" + (url == null ? "" : " at " + url)
                    + " within " + API_TIMEOUT.toSeconds() + " s"
                    + (url == null ? "" : ": " + ApiServerProbe.reachability(url))
                    + " (" + (options.inCluster() ? "--in-cluster" : "--kubeconfig " + options.kubeconfig()) + ")",
                    1, null);
        }
        return source;
    }

    static AdapterOptions adapterOptions(Options options) {
        return AdapterOptions.builder()
                .ingressClass(options.ingressClass())
                .controllerClass(options.controllerClass())
                .watchIngressWithoutClass(options.watchIngressWithoutClass())
                .watchNamespaces(new LinkedHashSet<>(options.watchNamespaces()))
                .publishStatusAddresses(options.publishStatusAddresses())
                .publishService(options.publishService())
                .electionId(options.electionId())
                .defaultSslCertificate(options.defaultSslCertificate())
                .tcpServicesConfigMap(options.tcpServicesConfigMap())
                .configMap(options.configMap())
                .defaultBackendService(options.defaultBackendService())
                .watchNamespaceSelector(options.watchNamespaceSelector())
                .build();
    }

    // the ports a TCP service may not take: ours (0, any free port, is not known before binding)
    private static Map<Integer, String> reservedPorts(Options options) {
        Map<Integer, String> reserved = new HashMap<>();
        if (options.httpPort() > 0) {
            reserved.put(options.httpPort(), "the HTTP port");
        }
        if (options.httpsPort() > 0) {
            reserved.put(options.httpsPort(), "the HTTPS port");
        }
        if (options.adminPort() > 0) {
            reserved.put(options.adminPort(), "the admin port");
        }
        return reserved;
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            log.debug("while giving up on starting: {}", e.toString());
        }
    }
}
