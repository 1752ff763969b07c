/** The demo's kubia pods and the walkthrough's Service, EndpointSlice and Ingress. */
package io.jingress.examples.internal.demo;
