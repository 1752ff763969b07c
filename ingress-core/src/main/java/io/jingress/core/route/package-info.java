/**
 * The compiled router: {@link io.jingress.core.route.RouteCompiler} turns a
 * {@link io.jingress.core.model.ClusterState} into an immutable {@link io.jingress.core.route.RouteTable},
 * a {@link io.jingress.core.route.Router} publishes it atomically, and
 * {@link io.jingress.core.route.RequestPaths} normalises request paths the same way for matching and
 * forwarding. Semantics and choices: {@code docs/routing.md}.
 */
package io.jingress.core.route;
