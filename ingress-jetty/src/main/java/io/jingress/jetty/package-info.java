/**
 * The Ingress proxy on Jetty 12: {@link io.jingress.jetty.IngressServer} (HTTP, HTTPS and admin
 * listeners, ready to run) and {@link io.jingress.jetty.IngressHandler} (the proxy as a Jetty
 * {@code Handler}, to mount in an application's own handler tree). Both serve whatever
 * {@code RouteTable} an {@code io.jingress.core.route.Router} holds. Everything else is in
 * {@code io.jingress.jetty.internal} and may change at any time.
 */
package io.jingress.jetty;
