/**
 * {@code ssl-passthrough}: TLS connections whose ClientHello names a passed-through host, relayed
 * undecrypted to an endpoint of the host's backend. Not public API.
 */
package io.jingress.jetty.internal.passthrough;
