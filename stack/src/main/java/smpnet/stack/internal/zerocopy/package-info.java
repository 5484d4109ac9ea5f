/** The dirty-tracking back-ends: userfaultfd write-protection, soft-dirty bits, copy-and-compare, write barrier. */
package smpnet.stack.internal.zerocopy;
