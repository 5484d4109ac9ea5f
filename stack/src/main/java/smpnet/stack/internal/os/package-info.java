/** The C library calls smpnet makes on Linux (TAP devices, userfaultfd), through the foreign function API. */
package smpnet.stack.internal.os;
