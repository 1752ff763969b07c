package io.jingress.core.model;

import java.util.Objects;

/**
 * What the router needs of a {@code gateway.networking.k8s.io/v1} GatewayClass: its name and the
 * controller that serves it. Jingress serves the Gateways of the classes whose
 * {@link #controllerName()} is its own ({@link #JINGRESS_CONTROLLER} unless configured otherwise,
 * see {@code RouteCompiler.withGatewayController}).
 *
 * @param name the GatewayClass's name (cluster-scoped)
 * @param controllerName {@code spec.controllerName}
 */
public record GatewayClass(String name, String controllerName) {
    /** Our controller's name, the {@code spec.controllerName} of the GatewayClasses Jingress serves by default. */
    public static final String JINGRESS_CONTROLLER = "jingress.io/gateway-controller";

    public GatewayClass {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(controllerName, "controllerName");
    }

    /** A GatewayClass served by Jingress's controller. */
    public static GatewayClass jingress(String name) {
        return new GatewayClass(name, JINGRESS_CONTROLLER);
    }
}
