/**
 * TLS for the HTTPS listener: {@link io.jingress.jetty.internal.tls.TlsCertificates} serves the
 * certificates of Ingress TLS Secrets chosen by SNI, with a generated default certificate, and takes
 * new Secrets live. PEM parsing and certificate generation use the JDK alone.
 * {@link io.jingress.jetty.internal.tls.TimedSslConnectionFactory} makes the TLS connections, and
 * keeps the request head deadline for the handshake and for HTTP/2 request heads.
 */
package io.jingress.jetty.internal.tls;
