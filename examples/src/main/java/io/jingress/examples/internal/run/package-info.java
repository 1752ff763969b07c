/** Starting and stopping what the options ask for: server, route source, demo pods; the demo's banner. */
package io.jingress.examples.internal.run;
