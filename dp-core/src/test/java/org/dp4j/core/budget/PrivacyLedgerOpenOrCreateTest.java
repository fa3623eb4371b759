package org.dp4j.core.budget;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.dp4j.core.NeighbouringRelation;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.accounting.BasicCompositionAccountant;
import org.dp4j.core.event.EpsilonDeltaEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PrivacyLedger#openOrCreate}, {@link PrivacyLedger#openOrCreateOdometer}, the reasons given
 * for file-system failures, and {@link LedgerContents#byRun()}.
 */
class PrivacyLedgerOpenOrCreateTest {

  private static final PrivacyBudget BUDGET = PrivacyBudget.approximate(2.0, 1e-6);

  @TempDir Path dir;

  @Test
  void openOrCreateCreatesThenReopensAndKeepsTheHistory() throws IOException {
    Path file = dir.resolve("run.ledger");
    try (PrivacyLedger ledger = PrivacyLedger.openOrCreate(file, new SumAccountant(), BUDGET)) {
      ledger.filter().spend(EpsilonDeltaEvent.pure(0.5), "first run");
    }
    try (PrivacyLedger ledger = PrivacyLedger.openOrCreate(file, new SumAccountant(), BUDGET)) {
      assertEquals(0.5, ledger.filter().spent());
      ledger.filter().spend(EpsilonDeltaEvent.pure(0.5), "second run");
      assertEquals(BUDGET, ledger.filter().budget().orElseThrow());
    }
    assertEquals(1.0, PrivacyLedger.read(file).spentEpsilon());
  }

  @Test
  void aMismatchNamesTheSettingBothValuesAndChangesNothing() throws IOException {
    Path file = dir.resolve("run.ledger");
    try (PrivacyLedger ledger = PrivacyLedger.openOrCreate(file, new SumAccountant(), BUDGET)) {
      ledger.filter().spend(EpsilonDeltaEvent.pure(0.5), "a");
    }
    byte[] before = Files.readAllBytes(file);
    LedgerMismatchException epsilon =
        assertThrows(
            LedgerMismatchException.class,
            () ->
                PrivacyLedger.openOrCreate(
                    file, new SumAccountant(), PrivacyBudget.approximate(8.0, 1e-6)));
    assertEquals(
        "budget must equal the one ledger "
            + file
            + " was created with, epsilon 2.0 at"
            + " delta 1.0E-6, got epsilon 8.0 at delta 1.0E-6",
        epsilon.getMessage());
    assertEquals("budget", epsilon.setting());
    assertEquals(file, epsilon.file());
    LedgerMismatchException delta =
        assertThrows(
            LedgerMismatchException.class,
            () ->
                PrivacyLedger.openOrCreate(
                    file, new SumAccountant(), PrivacyBudget.approximate(2.0, 1e-5)));
    assertTrue(delta.getMessage().endsWith("got epsilon 2.0 at delta 1.0E-5"), delta.getMessage());
    LedgerMismatchException odometer =
        assertThrows(
            LedgerMismatchException.class,
            () -> PrivacyLedger.openOrCreateOdometer(file, new SumAccountant(), 1e-6));
    assertEquals("odometer target delta", odometer.setting());
    assertEquals("epsilon 2.0 at delta 1.0E-6", odometer.recorded());
    assertEquals("an odometer (no limit) at delta 1.0E-6", odometer.given());
    LedgerMismatchException accountant =
        assertThrows(
            LedgerMismatchException.class,
            () -> PrivacyLedger.openOrCreate(file, new BasicCompositionAccountant(), BUDGET));
    assertEquals("accountant", accountant.setting());
    LedgerMismatchException relation =
        assertThrows(
            LedgerMismatchException.class,
            () ->
                PrivacyLedger.openOrCreate(
                    file,
                    new BasicCompositionAccountant(NeighbouringRelation.REPLACE_ONE),
                    BUDGET));
    assertEquals("accountant", relation.setting());
    assertArrayEquals(before, Files.readAllBytes(file), "left unchanged");
    // Every refused open released the lock.
    try (PrivacyLedger ledger = PrivacyLedger.openOrCreate(file, new SumAccountant(), BUDGET)) {
      assertEquals(0.5, ledger.filter().spent());
    }
  }

  @Test
  void theRelationIsCheckedAgainstTheHeader() throws IOException {
    Path file = dir.resolve("replace.ledger");
    PrivacyLedger.openOrCreate(
            file, new BasicCompositionAccountant(NeighbouringRelation.REPLACE_ONE), BUDGET)
        .close();
    LedgerMismatchException e =
        assertThrows(
            LedgerMismatchException.class,
            () -> PrivacyLedger.open(file, new BasicCompositionAccountant()));
    assertEquals("accountant relation", e.setting());
    assertEquals("REPLACE_ONE", e.recorded());
    assertEquals("ADD_OR_REMOVE_ONE", e.given());
  }

  @Test
  void openOrCreateOdometerCreatesThenReopens() throws IOException {
    Path file = dir.resolve("odometer.ledger");
    try (PrivacyLedger ledger =
        PrivacyLedger.openOrCreateOdometer(file, new SumAccountant(), 1e-6)) {
      ledger.filter().spend(EpsilonDeltaEvent.pure(5.0), "explore");
    }
    try (PrivacyLedger ledger =
        PrivacyLedger.openOrCreateOdometer(file, new SumAccountant(), 1e-6)) {
      assertEquals(BudgetMode.ODOMETER, ledger.filter().mode());
      assertEquals(5.0, ledger.filter().spent());
    }
    assertThrows(
        LedgerMismatchException.class,
        () -> PrivacyLedger.openOrCreate(file, new SumAccountant(), BUDGET));
    assertThrows(
        LedgerMismatchException.class,
        () -> PrivacyLedger.openOrCreateOdometer(file, new SumAccountant(), 1e-5));
  }

  @Test
  void badArgumentsAreRefusedBeforeTheFileIsTouched() {
    Path file = dir.resolve("x.ledger");
    assertThrows(
        NullPointerException.class,
        () -> PrivacyLedger.openOrCreate(file, new SumAccountant(), null));
    assertThrows(
        NullPointerException.class,
        () -> PrivacyLedger.openOrCreate(null, new SumAccountant(), BUDGET));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            PrivacyLedger.openOrCreate(
                file, new SumAccountant().compose(EpsilonDeltaEvent.pure(0.1)), BUDGET));
    assertThrows(
        IllegalArgumentException.class,
        () -> PrivacyLedger.openOrCreateOdometer(file, new SumAccountant(), Double.NaN));
    assertThrows(
        IllegalArgumentException.class,
        () -> PrivacyLedger.openOrCreateOdometer(file, new SumAccountant(), 1.0));
    assertFalse(Files.exists(file));
  }

  @Test
  void aLockedLedgerIsReportedAsLocked() throws IOException {
    Path file = dir.resolve("run.ledger");
    try (PrivacyLedger held = PrivacyLedger.openOrCreate(file, new SumAccountant(), BUDGET)) {
      LedgerLockedException e =
          assertThrows(
              LedgerLockedException.class,
              () -> PrivacyLedger.openOrCreate(file, new SumAccountant(), BUDGET));
      assertEquals(
          "ledger "
              + file
              + " is in use: it is locked by another process or by another"
              + " open PrivacyLedger in this JVM",
          e.getMessage());
      assertTrue(held.isWritable());
    }
  }

  @Test
  void fileSystemFailuresSayWhy() throws IOException {
    Path noFolder = dir.resolve("no").resolve("such").resolve("x.ledger");
    NoSuchFileException create =
        assertThrows(
            NoSuchFileException.class,
            () -> PrivacyLedger.openOrCreate(noFolder, new SumAccountant(), BUDGET));
    assertEquals(
        noFolder
            + ": cannot create the ledger: the folder "
            + noFolder.getParent()
            + " does not exist",
        create.getMessage());
    NoSuchFileException open =
        assertThrows(
            NoSuchFileException.class,
            () -> PrivacyLedger.open(dir.resolve("missing"), new SumAccountant()));
    assertEquals(
        dir.resolve("missing") + ": cannot open the ledger: no such ledger file",
        open.getMessage());
    NoSuchFileException read =
        assertThrows(NoSuchFileException.class, () -> PrivacyLedger.read(dir.resolve("missing")));
    assertTrue(
        read.getMessage().endsWith("cannot read the ledger: no such ledger file"),
        read.getMessage());
    Path folder = Files.createDirectory(dir.resolve("folder"));
    FileSystemException isFolder =
        assertThrows(
            FileSystemException.class,
            () -> PrivacyLedger.openOrCreate(folder, new SumAccountant(), BUDGET));
    assertEquals(folder + ": it is a folder, not a ledger file", isFolder.getMessage());
    assertThrows(FileSystemException.class, () -> PrivacyLedger.read(folder));
    Path file = Files.createFile(dir.resolve("plain"));
    FileSystemException underFile =
        assertThrows(
            FileSystemException.class,
            () -> PrivacyLedger.create(file.resolve("x.ledger"), new SumAccountant(), BUDGET));
    assertTrue(
        underFile
            .getMessage()
            .startsWith(file.resolve("x.ledger") + ": cannot create the ledger: "),
        underFile.getMessage());
  }

  @Test
  void aFolderWithoutWritePermissionIsReportedAsSuch() throws IOException {
    Path locked = Files.createDirectory(dir.resolve("readonly"));
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      Path file = locked.resolve("x.ledger");
      assumeFalse(Files.isWritable(locked), "permissions are not enforced (running as root)");
      AccessDeniedException e =
          assertThrows(
              AccessDeniedException.class,
              () -> PrivacyLedger.openOrCreate(file, new SumAccountant(), BUDGET));
      assertEquals(file + ": cannot create the ledger: permission denied", e.getMessage());
    } finally {
      Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  @Test
  void byRunGroupsTheStepsOfEachRunAndSplitsOldLabelsAtRestarts() throws IOException {
    Path file = dir.resolve("runs.ledger");
    try (PrivacyLedger ledger =
        PrivacyLedger.openOrCreateOdometer(file, new SumAccountant(), 1e-6)) {
      PrivacyFilter f = ledger.filter();
      for (int step = 1; step <= 3; step++) { // an old-style run
        f.spend(EpsilonDeltaEvent.pure(0.125), "dp-sgd step " + step);
      }
      f.spend(EpsilonDeltaEvent.pure(1.0), "count");
      for (int step = 1; step <= 2; step++) { // a second old-style run, merged by byLabel
        f.spend(EpsilonDeltaEvent.pure(0.25), "dp-sgd step " + step);
      }
      for (int step = 1; step <= 4; step++) {
        f.spend(EpsilonDeltaEvent.pure(0.0625), "dp-sgd run A step " + step);
        if (step == 2) {
          f.spend(EpsilonDeltaEvent.pure(0.5), "count");
        }
      }
      f.spend(EpsilonDeltaEvent.pure(0.5), "dp-sgd run B step 1");
    }
    LedgerContents contents = PrivacyLedger.read(file);
    assertEquals(
        List.of(
            new LabelSummary("dp-sgd steps 1..3", 3, 0.375),
            new LabelSummary("count", 2, 1.5),
            new LabelSummary("dp-sgd steps 1..2 (run 2)", 2, 0.5),
            new LabelSummary("dp-sgd run A steps 1..4", 4, 0.25),
            new LabelSummary("dp-sgd run B step 1", 1, 0.5)),
        contents.byRun());
    assertEquals(9, contents.byLabel().size(), "byLabel keeps one row per label");
    double total = contents.byRun().stream().mapToDouble(LabelSummary::attributedEpsilon).sum();
    assertEquals(contents.spentEpsilon(), total, 1e-12);
  }
}
