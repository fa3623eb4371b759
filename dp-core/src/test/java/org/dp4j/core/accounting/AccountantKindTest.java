package org.dp4j.core.accounting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.dp4j.core.NeighbouringRelation;
import org.dp4j.core.event.PrivacyEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AccountantKindTest {

  @ParameterizedTest
  @EnumSource(AccountantKind.class)
  void createsEmptyAccountantsOfItsClassUnderTheRelation(AccountantKind kind) {
    for (NeighbouringRelation relation : NeighbouringRelation.values()) {
      PrivacyAccountant accountant = kind.create(relation);
      assertEquals(kind.accountantClass(), accountant.getClass());
      assertEquals(relation, accountant.relation());
      assertEquals(List.<PrivacyEvent>of(), accountant.events());
      assertEquals(Optional.of(kind), AccountantKind.of(accountant));
      assertEquals(Optional.of(kind), AccountantKind.ofClassName(kind.accountantClass().getName()));
    }
  }

  @Test
  void labelsAreLowerCaseWithHyphens() {
    assertEquals("pld", AccountantKind.PLD.label());
    assertEquals("basic-composition", AccountantKind.BASIC_COMPOSITION.label());
  }

  @Test
  void unknownClassesAndNullsAreNamed() {
    assertTrue(AccountantKind.ofClassName("com.example.MyAccountant").isEmpty());
    NullPointerException e =
        assertThrows(NullPointerException.class, () -> AccountantKind.PLD.create(null));
    assertTrue(e.getMessage().contains("relation"), e.getMessage());
  }
}
