/**
 * HTTP/1.1 {@code Upgrade} (WebSocket) proxying, which Jetty's {@code ProxyHandler} does not do:
 * {@link io.jingress.jetty.internal.websocket.UpgradeTunnel} relays the handshake and then tunnels
 * bytes both ways, as nginx does.
 */
package io.jingress.jetty.internal.websocket;
