/**
 * A lean HTTP/1 server connection for the proxy's connectors (plain, and HTTP/1.1 over TLS): plain
 * requests, without a body or with a short one of known length, are parsed and answered here with
 * less machinery than Jetty's, everything else is handed to Jetty's own HTTP/1 connection.
 * Internal: not part of the API.
 */
package io.jingress.jetty.internal.http1;
