/**
 * The runnable {@code jingress.jar}: {@link io.jingress.examples.Main} (the demo, file mode and
 * cluster mode; {@code --help} lists every flag), the {@link io.jingress.examples.Jingress} handle
 * it returns when started in-process, and {@link io.jingress.examples.EmbeddedExample}, an
 * application embedding the proxy with routes built in code.
 */
package io.jingress.examples;
