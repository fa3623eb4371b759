package org.dp4j.cli;

import java.util.Arrays;
import java.util.stream.Collectors;
import org.dp4j.core.NeighbouringRelation;
import picocli.CommandLine;

/** The values of {@code --relation}. */
enum RelationOption {
  ADD_REMOVE("add-remove", NeighbouringRelation.ADD_OR_REMOVE_ONE),
  REPLACE_ONE("replace-one", NeighbouringRelation.REPLACE_ONE);

  private final String flagValue;
  private final NeighbouringRelation relation;

  RelationOption(String flagValue, NeighbouringRelation relation) {
    this.flagValue = flagValue;
    this.relation = relation;
  }

  NeighbouringRelation relation() {
    return relation;
  }

  String flagValue() {
    return flagValue;
  }

  /** Parses {@code add-remove} and {@code replace-one}. */
  static final class Converter implements CommandLine.ITypeConverter<RelationOption> {
    @Override
    public RelationOption convert(String value) {
      for (RelationOption option : values()) {
        if (option.flagValue.equalsIgnoreCase(value)) {
          return option;
        }
      }
      throw new CommandLine.TypeConversionException(
          "'"
              + value
              + "' is not one of "
              + Arrays.stream(values()).map(o -> o.flagValue).collect(Collectors.joining(", ")));
    }
  }

  /** Lists the flag values for help text. */
  static final class Candidates implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return Arrays.stream(values()).map(o -> o.flagValue).iterator();
    }
  }
}
