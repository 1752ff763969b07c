/**
 * The machinery behind {@link io.jingress.core.route.RouteTable}: allocation-free host and path
 * indexes and backend resolution. Not public API; may change at any time.
 */
package io.jingress.core.internal.route;
