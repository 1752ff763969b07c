/**
 * The request path behind {@code IngressHandler}: {@code RoutingProxy} (a Jetty {@code ProxyHandler}),
 * the per-request {@code Exchange}, the headers sent either way, the proxy's own plain-text
 * responses, and the client connection limit.
 */
package io.jingress.jetty.internal.proxy;
