/**
 * Which addresses the proxy connects to: {@link io.jingress.jetty.internal.net.BackendAddresses}
 * tells IP literals from DNS names and refuses a name whose addresses are all the proxy's own host's;
 * {@link io.jingress.jetty.internal.net.LocalAddressFilter} applies that to Jetty's
 * {@code HttpClient}.
 */
package io.jingress.jetty.internal.net;
