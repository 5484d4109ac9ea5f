package smpnet.sim.report;

import java.util.List;

/** One self-contained HTML page built section by section: headings, paragraphs, tables, preformatted text and charts. */
public final class Html {
    private final StringBuilder body = new StringBuilder();
    private final String title;
    private int charts;

    public Html(String title) {
        this.title = title;
        heading(1, title);
    }

    public Html heading(int level, String text) {
        body.append("<h").append(level).append('>').append(escape(text)).append("</h").append(level).append(">\n");
        return this;
    }

    public Html paragraph(String text) {
        body.append("<p>").append(escape(text)).append("</p>\n");
        return this;
    }

    public Html pre(String text) {
        body.append("<pre>").append(escape(text)).append("</pre>\n");
        return this;
    }

    /** A table: the first row is the header. */
    public Html table(List<List<String>> rows) {
        body.append("<table>\n");
        for (int i = 0; i < rows.size(); i++) {
            String cell = i == 0 ? "th" : "td";
            body.append("<tr>");
            for (String v : rows.get(i)) body.append('<').append(cell).append('>').append(escape(v)).append("</").append(cell).append('>');
            body.append("</tr>\n");
        }
        body.append("</table>\n");
        return this;
    }

    public Html chart(SvgChart c) {
        body.append("<figure>").append(c.svg()).append("</figure>\n");
        charts++;
        return this;
    }

    /** Charts added so far. */
    public int charts() { return charts; }

    /** The page. */
    public String page() {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape(title) + "</title>\n"
                + "<style>body{font-family:sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse}"
                + "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f4f4f4}"
                + "pre{background:#f8f8f8;padding:8px;overflow-x:auto}figure{margin:1em 0}</style>\n</head><body>\n"
                + body + "</body></html>\n";
    }

    /** {@code s} with the characters HTML gives a meaning escaped. */
    public static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
