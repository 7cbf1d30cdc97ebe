/**
 * What every example main shares: the top-level handler ({@link org.seq4j.examples.cli.Cli}) that turns
 * any failure into one line and an exit status, strict option parsing ({@link org.seq4j.examples.cli.Options}),
 * checks of input and output files before any work starts ({@link org.seq4j.examples.cli.PathChecks}),
 * memory estimates checked against the Java heap before allocating ({@link org.seq4j.examples.cli.Heap})
 * and bounded, strict reading of UTF-8 text ({@link org.seq4j.examples.cli.TextFiles}).
 *
 * <p>Exit status: 0 done (or {@code --help}), 2 bad usage or bad input (an option, a file, a size the
 * heap cannot hold), 1 a failure during the work (training diverged, out of memory, an I/O error). The
 * message is one line on standard error, {@code NAME: problem; what to do}; {@code --verbose} adds the
 * stack trace.
 */
package org.seq4j.examples.cli;
