/** Jingress ingress-bench. */
package io.jingress.bench;
