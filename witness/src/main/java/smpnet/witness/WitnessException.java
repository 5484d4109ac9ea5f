package smpnet.witness;

/** Thrown by a witness hook under {@link Policy#THROW}; carries the report. */
public final class WitnessException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Report report;

    WitnessException(Report report) {
        super(report.text());
        this.report = report;
    }

    /** The report that caused this exception. */
    public Report report() { return report; }
}
