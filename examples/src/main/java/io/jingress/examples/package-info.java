/** Jingress examples. */
package io.jingress.examples;
