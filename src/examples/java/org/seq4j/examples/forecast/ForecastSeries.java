package org.seq4j.examples.forecast;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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
record ForecastSeries(Source source, String name, String description, String unit, String stepName, double[] values,
                      double[] time, String timeLabel, int period) {

    /** Where a series comes from. */
    enum Source {
        /** The bundled Mauna Loa CO2 series. */
        CO2,
        /** The bundled El Niño series. */
        ELNINO,
        /** A column of a CSV file. */
        FILE
    }

    /** A bad input file: its message names the file and the line. */
    static final class FormatException extends Exception {
        private static final long serialVersionUID = 1L;

        FormatException(String message) {
            super(message);
        }
    }

    /** One line of values: its number in the file (from 1, the header) and its fields. */
    private record Row(int line, String[] fields) {
    }

    /** Mauna Loa weekly CO2 (bundled): {@code date,co2} rows, {@code YYYYMMDD}, empty where missing. */
    static ForecastSeries co2() throws IOException, FormatException {
        List<Row> rows = bundledRows("co2.csv", 2);
        double[] values = new double[rows.size()];
        double[] time = new double[rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            Row row = rows.get(r);
            try {
                LocalDate date = LocalDate.parse(row.fields()[0], DateTimeFormatter.BASIC_ISO_DATE);
                time[r] = date.getYear() + (date.getDayOfYear() - 1.0) / date.lengthOfYear();
            } catch (DateTimeParseException e) {
                throw new FormatException("co2.csv line " + row.line() + ": bad date '" + row.fields()[0] + "'");
            }
            values[r] = value(row.fields()[1], "co2.csv", row.line());
        }
        return new ForecastSeries(Source.CO2, "co2", "Mauna Loa weekly atmospheric CO2", "ppm", "week", values, time, "year", 52);
    }

    /** El Niño monthly sea surface temperature (bundled): one row per year, {@code YEAR,JAN..DEC}. */
    static ForecastSeries elnino() throws IOException, FormatException {
        List<Row> rows = bundledRows("elnino.csv", 13);
        double[] values = new double[rows.size() * 12];
        double[] time = new double[values.length];
        for (int r = 0; r < rows.size(); r++) {
            Row row = rows.get(r);
            int year = (int) value(row.fields()[0], "elnino.csv", row.line());
            for (int m = 0; m < 12; m++) {
                values[12 * r + m] = value(row.fields()[m + 1], "elnino.csv", row.line());
                time[12 * r + m] = year + m / 12.0;
            }
        }
        return new ForecastSeries(Source.ELNINO, "elnino", "El Niño region monthly sea surface temperature", "°C", "month",
                values, time, "year", 12);
    }

    /**
     * One column of a CSV file with a header line: values in time order, equally spaced; an empty field,
     * {@code NA} or {@code NaN} is a missing value.
     *
     * @param file   the file
     * @param column the column's header name or its number from 1; null for the last column
     */
    static ForecastSeries csv(Path file, String column) throws IOException, FormatException {
        String source = file.getFileName().toString();
        List<Row> rows;
        String[] header;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String first = reader.readLine();
            if (first == null || first.isBlank()) {
                throw new FormatException(source + " is empty: expected a header line, then one value per line");
            }
            header = split(first);
            rows = rows(reader, source, header.length);
        }
        int index = columnIndex(header, column, source);
        double[] values = new double[rows.size()];
        double[] time = new double[rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            values[r] = value(rows.get(r).fields()[index], source, rows.get(r).line());
            time[r] = r;
        }
        String stem = source.replaceFirst("\\.[^.]*$", "");
        String name = stem.replaceAll("[^A-Za-z0-9_-]", "_");
        return new ForecastSeries(Source.FILE, name.isEmpty() ? "series" : name, "column '" + header[index] + "' of " + source,
                "", "step", values, time, "step", 0);
    }

    private static int columnIndex(String[] header, String column, String source) throws FormatException {
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
        throw new FormatException(source + " has no column '" + column + "': its header has "
                + String.join(", ", header) + " (give a name or a number from 1 to " + header.length + ")");
    }

    /** The rows of a bundled file after its header line, each of {@code columns} fields. */
    private static List<Row> bundledRows(String file, int columns) throws IOException, FormatException {
        InputStream in = ForecastSeries.class.getResourceAsStream("/forecast/" + file);
        if (in == null) {
            throw new IOException("the bundled data file forecast/" + file + " is missing from the class path");
        }
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            reader.readLine();
            return rows(reader, file, columns);
        }
    }

    /** The rows left in {@code reader} (its header line already read), each of {@code columns} fields. */
    private static List<Row> rows(BufferedReader reader, String source, int columns)
            throws IOException, FormatException {
        List<Row> rows = new ArrayList<>();
        String line;
        int lineNumber = 1;
        while ((line = reader.readLine()) != null) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            String[] fields = split(line);
            if (fields.length != columns) {
                throw new FormatException(source + " line " + lineNumber + ": expected " + columns
                        + " comma-separated fields but found " + fields.length);
            }
            rows.add(new Row(lineNumber, fields));
        }
        if (rows.isEmpty()) {
            throw new FormatException(source + " has a header but no values");
        }
        return rows;
    }

    private static String[] split(String line) {
        String[] fields = line.split(",", -1);
        for (int c = 0; c < fields.length; c++) {
            fields[c] = fields[c].strip().replaceAll("^\"|\"$", "");
        }
        return fields;
    }

    private static double value(String field, String source, int line) throws FormatException {
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
        throw new FormatException(source + " line " + line + ": '" + field + "' is not a finite number"
                + " (a missing value is an empty field, NA or NaN)");
    }

    /** The unit in parentheses after a word, or nothing. */
    String inUnits(String word) {
        return unit.isEmpty() ? word : word + " (" + unit + ")";
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s: %s, %d %ss", name, description, values.length, stepName);
    }
}
