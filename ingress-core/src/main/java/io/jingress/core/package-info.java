/** Jingress ingress-core. */
package io.jingress.core;
