/** JCStress tests of the event queue: readiness announced while the loop polls. */
package smpnet.jcstress.kevent;
