/**
 * Zero-copy support for applications that hand the stack a region of memory: {@link
 * smpnet.stack.zerocopy.DirtyTracker} finds the pages of a region written between two points (the check that
 * a region still in flight was not touched), with back-ends chosen by a setting.
 */
package smpnet.stack.zerocopy;
