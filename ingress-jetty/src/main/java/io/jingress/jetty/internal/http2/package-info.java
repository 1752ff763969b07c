/** Jetty's HTTP/2 server connections, adjusted for the proxy. */
package io.jingress.jetty.internal.http2;
