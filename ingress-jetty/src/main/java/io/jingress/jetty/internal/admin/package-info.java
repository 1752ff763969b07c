/**
 * Seeing into the proxy: the admin endpoints ({@link io.jingress.jetty.internal.admin.AdminHandler}),
 * the counters the proxy feeds ({@link io.jingress.jetty.internal.admin.ProxyMetrics}) and the access
 * log ({@link io.jingress.jetty.internal.admin.AccessLog}). Internal: wired by
 * {@code io.jingress.jetty.IngressServer}.
 */
package io.jingress.jetty.internal.admin;
