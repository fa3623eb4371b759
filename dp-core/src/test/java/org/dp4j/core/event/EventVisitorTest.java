package org.dp4j.core.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class EventVisitorTest {

  /** Returns the name of the method called, and checks that the event and context came along. */
  private static final class Names implements EventVisitor<String, Object> {
    private final Object expectedContext;

    Names(Object expectedContext) {
      this.expectedContext = expectedContext;
    }

    private String visited(String method, Object context) {
      assertSame(expectedContext, context);
      return method;
    }

    @Override
    public String gaussian(GaussianEvent event, Object context) {
      return visited("gaussian", context);
    }

    @Override
    public String laplace(LaplaceEvent event, Object context) {
      return visited("laplace", context);
    }

    @Override
    public String epsilonDelta(EpsilonDeltaEvent event, Object context) {
      return visited("epsilonDelta", context);
    }

    @Override
    public String zcdp(ZcdpEvent event, Object context) {
      return visited("zcdp", context);
    }

    @Override
    public String poissonSampled(PoissonSampledEvent event, Object context) {
      return visited("poissonSampled", context);
    }

    @Override
    public String selfComposed(SelfComposedEvent event, Object context) {
      return visited("selfComposed", context);
    }

    @Override
    public String composed(ComposedEvent event, Object context) {
      return visited("composed", context);
    }

    @Override
    public String perRelation(PerRelationEvent event, Object context) {
      return visited("perRelation", context);
    }
  }

  private static final List<PrivacyEvent> ONE_OF_EACH =
      List.of(
          new GaussianEvent(1.0),
          new LaplaceEvent(1.0),
          EpsilonDeltaEvent.pure(1.0),
          new ZcdpEvent(0.1),
          new PoissonSampledEvent(0.5, new GaussianEvent(1.0)),
          new SelfComposedEvent(new LaplaceEvent(1.0), 2),
          ComposedEvent.of(),
          PerRelationEvent.sameForBoth(new LaplaceEvent(1.0)));

  @Test
  void eachRecordCallsItsOwnMethodWithTheContext() {
    Object context = new Object();
    List<String> called =
        ONE_OF_EACH.stream().map(e -> e.accept(new Names(context), context)).toList();
    assertEquals(
        List.of(
            "gaussian",
            "laplace",
            "epsilonDelta",
            "zcdp",
            "poissonSampled",
            "selfComposed",
            "composed",
            "perRelation"),
        called);
  }

  @Test
  void theVisitorHasOneMethodPerPermittedRecord() {
    Set<Class<?>> permitted = Set.of(PrivacyEvent.class.getPermittedSubclasses());
    Set<Class<?>> visited =
        Arrays.stream(EventVisitor.class.getDeclaredMethods())
            .map(Method::getParameterTypes)
            .map(types -> types[0])
            .collect(Collectors.toSet());
    assertEquals(permitted, visited);
    assertEquals(permitted.size(), EventVisitor.class.getDeclaredMethods().length);
    assertEquals(permitted, ONE_OF_EACH.stream().map(Object::getClass).collect(Collectors.toSet()));
  }
}
