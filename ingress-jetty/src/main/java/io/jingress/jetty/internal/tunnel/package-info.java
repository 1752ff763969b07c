/**
 * Byte tunnels from a client connection to an endpoint of a backend, picked by its balancer: the
 * ones of {@code ssl-passthrough} and of the TCP services. Not public API.
 */
package io.jingress.jetty.internal.tunnel;
