package org.dp4j.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The root {@code dp4j} command. Exit statuses: 0 success, 2 user error (bad flag or value, a
 * ledger that cannot be used, a training run that diverged: one line on standard error, no stack
 * trace), 3 {@code dp4j audit} proved a privacy violation (its lower bound exceeds the claimed
 * epsilon), 1 unexpected failure.
 */
@Command(
    name = "dp4j",
    mixinStandardHelpOptions = true,
    versionProvider = Dp4jCommand.Version.class,
    description =
        "Differential privacy for the JVM: accounting, calibration, DP-SGD and private "
            + "aggregations on Spark.",
    subcommands = {
      EpsilonCommand.class,
      CalibrateCommand.class,
      GaussianSigmaCommand.class,
      LedgerCommand.class,
      TrainCommand.class,
      AuditCommand.class,
      AggregateCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Dp4jCommand implements Runnable {

  /** Exit status for user errors. */
  public static final int USAGE_ERROR = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Runs the command line and exits the JVM with its status. */
  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    System.exit(execute(out, err, args));
  }

  /**
   * Runs the command line with the given streams, without exiting.
   *
   * @return the exit status
   */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = commandLine(out, err);
    return cli.execute(args);
  }

  /** The configured picocli command line (error handling, streams, converters). */
  public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new Dp4jCommand());
    cli.setOut(out);
    cli.setErr(err);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setParameterExceptionHandler(
        (ex, args) -> {
          ex.getCommandLine()
              .getErr()
              .println(
                  "dp4j: "
                      + ex.getMessage()
                      + " (see 'dp4j "
                      + ex.getCommandLine().getCommandName().replace("dp4j", "").trim()
                      + " --help')");
          return USAGE_ERROR;
        });
    cli.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          if (ex instanceof UserError || ex instanceof IllegalArgumentException) {
            commandLine.getErr().println("dp4j: " + ex.getMessage());
            return USAGE_ERROR;
          }
          throw ex;
        });
    return cli;
  }

  /** Reports the version from the jar manifest when packaged. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Dp4jCommand.class.getPackage().getImplementationVersion();
      return new String[] {"dp4j " + (v == null ? "(development build)" : v)};
    }
  }
}
