/** Jingress ingress-jetty. */
package io.jingress.jetty;
