package org.seq4j.examples.forecast;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.seq4j.examples.cli.CliException;
import org.seq4j.examples.cli.TextFiles;

/**
 * A series to forecast, as read from its CSV file: the values ({@code NaN} where missing) in time order,
 * equally spaced, with a time axis for the plot and the length of its season.
 *
 * @param source      where it comes from, which decides the example's default settings
 * @param name        short name, the prefix of the summary keys ({@code co2})
 * @param description what the series is, for people
 * @param unit        the unit of the values ({@code ppm}), or empty
 * @param stepName    what one step is ({@code week})
 * @param values      the values, {@code NaN} where missing
 * @param time        the time of each value for the plot's axis (a fractional year, or the row number)
 * @param timeLabel   the label of that axis
 * @param period      steps per season for the seasonal-naive forecast, 0 for none
 */
record ForecastSeries(Source source, String name, String description, String unit, String stepName,
                      double[] values, double[] time, String timeLabel, int period) {

    /** Where a series comes from. */
    enum Source {
        /** The bundled Mauna Loa CO2 series. */
        CO2,
        /** The bundled El Niño series. */
        ELNINO,
        /** A column of a CSV file. */
        FILE
    }

    /**
     * Heap per byte of a CSV file while it is read: the text, its lines and fields (a few objects per
     * line of a few bytes) and two doubles per value.
     */
    private static final double HEAP_BYTES_PER_CSV_BYTE = 64;

    /** One line of values: its number in the file (from 1, the header) and its fields. */
    private record Row(int line, String[] fields) {
    }

    /** The lines of a CSV text: the header's fields and the rows after it. */
    private record Table(String[] header, List<Row> rows) {
    }

    /** Mauna Loa weekly CO2 (bundled): {@code date,co2} rows, {@code YYYYMMDD}, empty where missing. */
    static ForecastSeries co2() throws IOException {
        List<Row> rows = table(bundled("co2.csv"), "co2.csv", 2).rows();
        double[] values = new double[rows.size()];
        double[] time = new double[rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            Row row = rows.get(r);
            try {
                LocalDate date = LocalDate.parse(row.fields()[0], DateTimeFormatter.BASIC_ISO_DATE);
                time[r] = date.getYear() + (date.getDayOfYear() - 1.0) / date.lengthOfYear();
            } catch (DateTimeParseException e) {
                throw CliException.input("co2.csv line " + row.line() + ": bad date '" + row.fields()[0] + "'");
            }
            values[r] = value(row.fields()[1], "co2.csv", row.line());
        }
        return new ForecastSeries(Source.CO2, "co2", "Mauna Loa weekly atmospheric CO2", "ppm", "week", values,
                time, "year", 52);
    }

    /** El Niño monthly sea surface temperature (bundled): one row per year, {@code YEAR,JAN..DEC}. */
    static ForecastSeries elnino() throws IOException {
        List<Row> rows = table(bundled("elnino.csv"), "elnino.csv", 13).rows();
        double[] values = new double[rows.size() * 12];
        double[] time = new double[values.length];
        for (int r = 0; r < rows.size(); r++) {
            Row row = rows.get(r);
            double year = value(row.fields()[0], "elnino.csv", row.line());
            for (int m = 0; m < 12; m++) {
                values[12 * r + m] = value(row.fields()[m + 1], "elnino.csv", row.line());
                time[12 * r + m] = year + m / 12.0;
            }
        }
        return new ForecastSeries(Source.ELNINO, "elnino", "El Niño region monthly sea surface temperature", "°C",
                "month", values, time, "year", 12);
    }

    /**
     * One column of a CSV file with a header line: values in time order, equally spaced; an empty field,
     * {@code NA} or {@code NaN} is a missing value.
     *
     * @param file   the file, UTF-8
     * @param column the column's header name or its number from 1; null for the last column
     * @throws CliException (input) if the file is not UTF-8 text, a line has another number of fields than
     *                      the header, the column does not exist or a value is not a number
     * @throws IOException  if reading fails
     */
    static ForecastSeries csv(Path file, String column) throws IOException {
        String source = "--series " + file;
        Table table = table(TextFiles.readUtf8("--series", file, HEAP_BYTES_PER_CSV_BYTE), source, -1);
        String[] header = table.header();
        int index = columnIndex(header, column, source);
        List<Row> rows = table.rows();
        double[] values = new double[rows.size()];
        double[] time = new double[rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            values[r] = value(rows.get(r).fields()[index], source, rows.get(r).line());
            time[r] = r;
        }
        String stem = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        String name = stem.replaceAll("[^A-Za-z0-9_-]", "_");
        return new ForecastSeries(Source.FILE, name.isEmpty() ? "series" : name,
                "column '" + header[index] + "' of " + file.getFileName(), "", "step", values, time, "step", 0);
    }

    private static int columnIndex(String[] header, String column, String source) {
        if (column == null) {
            return header.length - 1;
        }
        for (int c = 0; c < header.length; c++) {
            if (header[c].equals(column)) {
                return c;
            }
        }
        if (column.matches("[0-9]{1,9}")) {
            int number = Integer.parseInt(column);
            if (number >= 1 && number <= header.length) {
                return number - 1;
            }
        }
        throw CliException.usage("--column " + column + ": " + source + " has no such column; its header has "
                + String.join(", ", header) + " (give a name or a number from 1 to " + header.length + ")");
    }

    private static String bundled(String file) throws IOException {
        try (InputStream in = ForecastSeries.class.getResourceAsStream("/forecast/" + file)) {
            if (in == null) {
                throw new IOException("the bundled data file forecast/" + file + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * The header and the rows of a CSV text, each row of as many fields as the header ({@code columns}, or
     * the header's count when negative); blank lines are skipped.
     */
    private static Table table(String text, String source, int columns) {
        String[] lines = text.split("\r?\n", -1);
        if (lines[0].isBlank()) {
            throw CliException.input(source + ": the first line must be a header (the column names) but is empty");
        }
        String[] header = split(lines[0]);
        int expected = columns < 0 ? header.length : columns;
        List<Row> rows = new ArrayList<>();
        for (int l = 1; l < lines.length; l++) {
            if (lines[l].isBlank()) {
                continue;
            }
            String[] fields = split(lines[l]);
            if (fields.length != expected) {
                throw CliException.input(source + " line " + (l + 1) + ": expected " + expected
                        + " comma-separated fields, as the header has, but found " + fields.length);
            }
            rows.add(new Row(l + 1, fields));
        }
        if (rows.isEmpty()) {
            throw CliException.input(source + " has a header but no values");
        }
        return new Table(header, rows);
    }

    private static String[] split(String line) {
        String[] fields = line.split(",", -1);
        for (int c = 0; c < fields.length; c++) {
            fields[c] = fields[c].strip().replaceAll("^\"|\"$", "");
        }
        return fields;
    }

    private static double value(String field, String source, int line) {
        if (field.isEmpty() || field.equalsIgnoreCase("NA") || field.equalsIgnoreCase("NaN")) {
            return Double.NaN;
        }
        try {
            double v = Double.parseDouble(field);
            if (Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw CliException.input(source + " line " + line + ": '" + field + "' is not a finite number"
                + " (a missing value is an empty field, NA or NaN)");
    }

    /**
     * A word with the unit in parentheses after it.
     *
     * @param word the word
     * @return {@code word (unit)}, or the word alone for a series without a unit
     */
    String inUnits(String word) {
        return unit.isEmpty() ? word : word + " (" + unit + ")";
    }
}
