/**
 * TLS for the HTTPS listener: {@link io.jingress.jetty.internal.tls.TlsCertificates} serves the
 * certificates of Ingress TLS Secrets chosen by SNI, with a generated default certificate, and takes
 * new Secrets live. PEM parsing and certificate generation use the JDK alone.
 */
package io.jingress.jetty.internal.tls;
