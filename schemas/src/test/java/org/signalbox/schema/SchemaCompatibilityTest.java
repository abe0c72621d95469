package org.signalbox.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.signalbox.schema.support.AvroCodec;

/**
 * Every schema must stay fully compatible with each released version in
 * src/main/resources/org/signalbox/schema/history: new readers read old records (an edge that has
 * not upgraded yet) and old readers read new records (a consumer that has not upgraded yet). When
 * you release a schema change, add it as the next vN.avsc.
 */
class SchemaCompatibilityTest {

  static Stream<Arguments> currentAndReleased() {
    return Stream.of(
            TelemetryEvent.getClassSchema(),
            Indicator.getClassSchema(),
            Sighting.getClassSchema(),
            DeadLetter.getClassSchema(),
            CampaignAlert.getClassSchema(),
            TrendRecord.getClassSchema(),
            AlertDigest.getClassSchema(),
            Feedback.getClassSchema(),
            IndicatorScore.getClassSchema(),
            IndicatorAudit.getClassSchema())
        .flatMap(
            current -> {
              List<Schema> history = AvroCodec.history(current.getName());
              assertThat(history)
                  .as(
                      "released versions of %s (add history/%s/v1.avsc)",
                      current.getName(), current.getName())
                  .isNotEmpty();
              return history.stream().map(old -> Arguments.of(current.getName(), current, old));
            });
  }

  @ParameterizedTest(name = "{0} reads and is read by {2}")
  @MethodSource("currentAndReleased")
  void currentSchemaIsFullyCompatibleWithEveryReleasedVersion(
      String name, Schema current, Schema released) {
    assertThat(SchemaCompatibility.checkReaderWriterCompatibility(current, released).getType())
        .as("%s: new reader, old writer", name)
        .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    assertThat(SchemaCompatibility.checkReaderWriterCompatibility(released, current).getType())
        .as("%s: old reader, new writer", name)
        .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
  }

  @Test
  void theCheckRejectsARequiredFieldWithoutDefault() {
    // Proves the check above can fail: this is the most common unsafe change.
    Schema released = AvroCodec.history("Indicator").get(0);
    SchemaBuilder.FieldAssembler<Schema> fields =
        SchemaBuilder.record(released.getName()).namespace(released.getNamespace()).fields();
    for (Schema.Field f : released.getFields()) {
      fields = fields.name(f.name()).type(f.schema()).noDefault();
    }
    Schema unsafe = fields.name("severity").type().intType().noDefault().endRecord();

    assertThat(SchemaCompatibility.checkReaderWriterCompatibility(unsafe, released).getType())
        .isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
  }

  @Test
  void theCheckRejectsARemovedEnumSymbolWithoutDefault() {
    Schema tlpNow = Tlp.getClassSchema();
    Schema tlpShrunk =
        SchemaBuilder.enumeration("Tlp").namespace(tlpNow.getNamespace()).symbols("CLEAR", "RED");
    assertThat(SchemaCompatibility.checkReaderWriterCompatibility(tlpShrunk, tlpNow).getType())
        .isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
  }
}
