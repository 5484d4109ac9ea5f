/**
 * Results as one self-contained HTML page: tables and charts drawn as inline SVG, so the page needs no
 * network, no script and no other file to show everything.
 */
package smpnet.sim.report;
