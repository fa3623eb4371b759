package org.dp4j.core.budget;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.dp4j.core.NeighbouringRelation;
import org.dp4j.core.event.PrivacyEvent;

/**
 * Encoding and parsing of the ledger file format, version 1 (documented byte by byte in {@code
 * docs/budget.md}). Package-private; {@link PrivacyLedger} is the public face.
 */
final class LedgerFormat {

  static final byte[] MAGIC = "DP4JLDGR".getBytes(StandardCharsets.US_ASCII);
  static final int VERSION = 1;

  /**
   * Header bytes before the accountant name: magic 8, version 2, mode 1, relation 1, 3 x f64, u16.
   */
  static final int HEADER_FIXED = 38;

  /** Record frame: length u32, CRC32C of the length u32, payload, CRC32C of the payload u32. */
  static final int FRAME_OVERHEAD = 12;

  /** Payload bytes before the label: kind 1, sequence 8, time 8, reservation id 8, spent 8, u16. */
  static final int PAYLOAD_FIXED = 35;

  /** Smallest payload: the fixed part, a one-byte label and an empty composition (5 bytes). */
  static final int MIN_PAYLOAD = PAYLOAD_FIXED + 1 + 5;

  /** Largest payload accepted (1 MiB): bounds allocation when reading a damaged file. */
  static final int MAX_PAYLOAD = 1 << 20;

  private LedgerFormat() {}

  /** The parse of a whole file. */
  record Parsed(
      LedgerHeader header,
      List<LedgerRecord> records,
      long validLength,
      long tornTailBytes,
      Map<Long, PrivacyEvent> openReservations,
      long maxReservationId) {}

  static byte[] encodeHeader(LedgerHeader header) {
    byte[] name = header.accountant().getBytes(StandardCharsets.UTF_8);
    if (name.length > 0xFFFF) {
      throw new IllegalArgumentException(
          "accountant class name must be at most 65535 UTF-8 bytes, got " + name.length);
    }
    ByteBuffer b = ByteBuffer.allocate(HEADER_FIXED + name.length + 4);
    b.put(MAGIC);
    b.putShort((short) VERSION);
    b.put((byte) modeCode(header.mode()));
    b.put((byte) relationCode(header.relation()));
    b.putDouble(header.budgetEpsilon());
    b.putDouble(header.targetDelta());
    b.putLong(header.created().toEpochMilli());
    b.putShort((short) name.length);
    b.put(name);
    b.putInt(crc(b.array(), 0, b.position()));
    return b.array();
  }

  static byte[] encodeRecord(LedgerRecord r) {
    byte[] label = r.label().getBytes(StandardCharsets.UTF_8);
    int payloadLength = PAYLOAD_FIXED + label.length + EventCodec.encodedSize(r.event());
    if (payloadLength > MAX_PAYLOAD) {
      throw new IllegalArgumentException(
          "ledger record must be at most "
              + MAX_PAYLOAD
              + " bytes, got "
              + payloadLength
              + " (event too large)");
    }
    ByteBuffer b = ByteBuffer.allocate(FRAME_OVERHEAD + payloadLength);
    b.putInt(payloadLength);
    b.putInt(crc(b.array(), 0, 4));
    b.put((byte) r.kind().code());
    b.putLong(r.sequenceNumber());
    b.putLong(r.time().toEpochMilli());
    b.putLong(r.reservationId());
    b.putDouble(r.spentEpsilonAfter());
    b.putShort((short) label.length);
    b.put(label);
    EventCodec.write(r.event(), b);
    b.putInt(crc(b.array(), 8, payloadLength));
    return b.array();
  }

  /**
   * Parses a whole ledger file held in {@code bytes}.
   *
   * <p>Torn tail (ignored, reported in {@code tornTailBytes}): fewer bytes than a frame header
   * left; a frame whose checksummed length runs past the end of the file; a final frame whose
   * payload checksum fails; a region of zero bytes. Anything else that is damaged fails.
   */
  static Parsed parse(Path file, byte[] bytes) throws InvalidLedgerException {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    LedgerHeader header = parseHeader(file, in);
    List<LedgerRecord> records = new ArrayList<>();
    Map<Long, PrivacyEvent> open = new HashMap<>();
    long maxReservationId = 0;
    int pos = in.position();
    long torn = 0;
    while (pos < bytes.length) {
      int left = bytes.length - pos;
      long index = records.size() + 1;
      if (left < 8) {
        torn = left;
        break;
      }
      int length = in.getInt(pos);
      if (crc(bytes, pos, 4) != in.getInt(pos + 4)) {
        if (allZero(bytes, pos)) {
          torn = left;
          break;
        }
        throw new InvalidLedgerException(
            file,
            "record "
                + index
                + " at byte "
                + pos
                + " is corrupt: its length field fails its checksum; refusing to open a ledger"
                + " that would lose spent budget");
      }
      if (length < MIN_PAYLOAD || length > MAX_PAYLOAD) {
        throw new InvalidLedgerException(
            file,
            "record "
                + index
                + " at byte "
                + pos
                + " is corrupt: payload length must be "
                + MIN_PAYLOAD
                + " to "
                + MAX_PAYLOAD
                + ", got "
                + length);
      }
      long end = (long) pos + FRAME_OVERHEAD + length;
      if (end > bytes.length) {
        torn = left;
        break;
      }
      if (crc(bytes, pos + 8, length) != in.getInt(pos + 8 + length)) {
        if (end == bytes.length) {
          torn = left;
          break;
        }
        throw new InvalidLedgerException(
            file,
            "record "
                + index
                + " at byte "
                + pos
                + " is corrupt: its checksum does not match, and "
                + (bytes.length - end)
                + " bytes of later records follow; refusing to open a ledger that would lose"
                + " spent budget");
      }
      LedgerRecord record = parsePayload(file, bytes, pos, length, index);
      if (record.sequenceNumber() != index) {
        throw new InvalidLedgerException(
            file,
            "record "
                + index
                + " at byte "
                + pos
                + " has sequence number "
                + record.sequenceNumber()
                + "; records must be numbered 1, 2, 3, ... without gaps");
      }
      maxReservationId = checkReservation(file, record, pos, open, maxReservationId);
      records.add(record);
      pos = (int) end;
    }
    return new Parsed(header, records, pos, torn, open, maxReservationId);
  }

  private static long checkReservation(
      Path file, LedgerRecord r, int pos, Map<Long, PrivacyEvent> open, long maxId)
      throws InvalidLedgerException {
    long id = r.reservationId();
    switch (r.kind()) {
      case SPEND:
        return maxId;
      case RESERVE:
        if (id <= maxId) {
          throw new InvalidLedgerException(
              file,
              "record "
                  + r.sequenceNumber()
                  + " at byte "
                  + pos
                  + " reserves id "
                  + id
                  + ", but reservation ids must increase (last was "
                  + maxId
                  + ")");
        }
        open.put(id, r.event());
        return id;
      default:
        PrivacyEvent reserved = open.remove(id);
        if (reserved == null || !reserved.equals(r.event())) {
          throw new InvalidLedgerException(
              file,
              "record "
                  + r.sequenceNumber()
                  + " at byte "
                  + pos
                  + " is a "
                  + r.kind()
                  + " of reservation "
                  + id
                  + ", which is not an open reservation of that event");
        }
        return maxId;
    }
  }

  private static LedgerHeader parseHeader(Path file, ByteBuffer in) throws InvalidLedgerException {
    byte[] bytes = in.array();
    if (bytes.length < MAGIC.length
        && java.util.Arrays.equals(bytes, 0, bytes.length, MAGIC, 0, bytes.length)) {
      throw new InvalidLedgerException(
          file,
          "the ledger header is incomplete ("
              + bytes.length
              + " bytes); the file was never fully created");
    }
    if (bytes.length < MAGIC.length
        || !java.util.Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new InvalidLedgerException(
          file, "not a dp4j ledger: it does not start with the magic bytes \"DP4JLDGR\"");
    }
    if (bytes.length < HEADER_FIXED) {
      throw new InvalidLedgerException(
          file,
          "the ledger header is incomplete ("
              + bytes.length
              + " of at least "
              + (HEADER_FIXED + 4)
              + " bytes); the file was never fully created");
    }
    int version = Short.toUnsignedInt(in.getShort(8));
    if (version != VERSION) {
      throw new InvalidLedgerException(
          file,
          "ledger format version "
              + version
              + " is not supported; this dp4j reads version "
              + VERSION);
    }
    int nameLength = Short.toUnsignedInt(in.getShort(HEADER_FIXED - 2));
    int headerLength = HEADER_FIXED + nameLength + 4;
    if (bytes.length < headerLength) {
      throw new InvalidLedgerException(
          file,
          "the ledger header is incomplete ("
              + bytes.length
              + " of "
              + headerLength
              + " bytes); the file was never fully created");
    }
    if (crc(bytes, 0, headerLength - 4) != in.getInt(headerLength - 4)) {
      throw new InvalidLedgerException(file, "the ledger header is corrupt: its checksum fails");
    }
    try {
      BudgetMode mode = modeFromCode(bytes[10]);
      NeighbouringRelation relation = relationFromCode(bytes[11]);
      double budgetEpsilon = in.getDouble(12);
      double targetDelta = in.getDouble(20);
      Instant created = Instant.ofEpochMilli(in.getLong(28));
      String accountant = new String(bytes, HEADER_FIXED, nameLength, StandardCharsets.UTF_8);
      in.position(headerLength);
      return new LedgerHeader(
          version, mode, budgetEpsilon, targetDelta, relation, accountant, created);
    } catch (IllegalArgumentException e) {
      throw new InvalidLedgerException(file, "the ledger header is invalid: " + e.getMessage(), e);
    }
  }

  private static LedgerRecord parsePayload(Path file, byte[] bytes, int pos, int length, long index)
      throws InvalidLedgerException {
    ByteBuffer p = ByteBuffer.wrap(bytes, pos + 8, length).slice();
    try {
      RecordKind kind = RecordKind.fromCode(Byte.toUnsignedInt(p.get()));
      long sequence = p.getLong();
      Instant time = Instant.ofEpochMilli(p.getLong());
      long reservationId = p.getLong();
      double spentAfter = p.getDouble();
      int labelLength = Short.toUnsignedInt(p.getShort());
      if (labelLength > p.remaining()) {
        throw new IllegalArgumentException("label length must fit the record, got " + labelLength);
      }
      String label = new String(bytes, pos + 8 + p.position(), labelLength, StandardCharsets.UTF_8);
      p.position(p.position() + labelLength);
      PrivacyFilter.checkLabel(label);
      PrivacyEvent event = EventCodec.read(p);
      if (p.hasRemaining()) {
        throw new IllegalArgumentException(
            "record must end after its event, got " + p.remaining() + " extra bytes");
      }
      return new LedgerRecord(sequence, kind, time, reservationId, label, event, spentAfter);
    } catch (IllegalArgumentException | java.nio.BufferUnderflowException e) {
      throw new InvalidLedgerException(
          file,
          "record "
              + index
              + " at byte "
              + pos
              + " passes its checksum but cannot be decoded ("
              + e.getMessage()
              + "); was it written by a newer dp4j?",
          e);
    }
  }

  static int modeCode(BudgetMode mode) {
    return mode == BudgetMode.LIMITED ? 1 : 2;
  }

  static BudgetMode modeFromCode(int code) {
    if (code == 1) {
      return BudgetMode.LIMITED;
    }
    if (code == 2) {
      return BudgetMode.ODOMETER;
    }
    throw new IllegalArgumentException("mode code must be 1 or 2, got " + code);
  }

  static int relationCode(NeighbouringRelation relation) {
    switch (relation) {
      case ADD_OR_REMOVE_ONE:
        return 1;
      case REPLACE_ONE:
        return 2;
      default:
        throw new IllegalArgumentException("relation must have a ledger code, got " + relation);
    }
  }

  static NeighbouringRelation relationFromCode(int code) {
    if (code == 1) {
      return NeighbouringRelation.ADD_OR_REMOVE_ONE;
    }
    if (code == 2) {
      return NeighbouringRelation.REPLACE_ONE;
    }
    throw new IllegalArgumentException("relation code must be 1 or 2, got " + code);
  }

  static int crc(byte[] bytes, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, offset, length);
    return (int) crc.getValue();
  }

  private static boolean allZero(byte[] bytes, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
