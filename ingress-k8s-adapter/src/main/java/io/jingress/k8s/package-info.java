/** Jingress ingress-k8s-adapter. */
package io.jingress.k8s;
