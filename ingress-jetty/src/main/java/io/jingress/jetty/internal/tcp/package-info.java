/**
 * The TCP services ({@code --tcp-services-configmap}): one listener per port of the live table's
 * {@code tcpServices()}, whose connections are relayed to an endpoint of the entry's Service. Not
 * public API.
 */
package io.jingress.jetty.internal.tcp;
