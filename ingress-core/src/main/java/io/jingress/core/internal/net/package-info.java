/**
 * Address text shared by the core and the proxy: the one reading of an IPv4 dotted quad. Not
 * public API; may change at any time.
 */
package io.jingress.core.internal.net;
