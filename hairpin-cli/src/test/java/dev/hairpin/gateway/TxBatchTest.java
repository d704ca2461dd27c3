package dev.hairpin.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The transmit batch reads back what a kernel would: each mmsghdr's single iovec (base, len) as
 * sendmmsg() walks the vector. A fake socket takes a scripted number of frames per call.
 */
class TxBatchTest {
    final Arena arena = Arena.ofConfined();
    final List<String> wire = new ArrayList<>();
    final List<Integer> calls = new ArrayList<>();
    /** frames each call takes: >0 that many (at most what is offered), -1 refuses the first */
    final List<Integer> script = new ArrayList<>();

    final TxBatch.Sender sock = (vec, count) -> {
        calls.add(count);
        int take = script.isEmpty() ? count : script.remove(0);
        if (take < 0) {
            return -1;
        }
        take = Math.min(take, count);
        for (int i = 0; i < take; i++) {
            MemorySegment h = vec.reinterpret(64L * count).asSlice(64L * i, 64);
            assertThat(h.get(ValueLayout.JAVA_LONG, 24)).isEqualTo(1L); // msg_iovlen
            assertThat(h.get(ValueLayout.JAVA_LONG, 0)).isZero(); // msg_name: the socket is bound
            MemorySegment iov = h.get(ValueLayout.ADDRESS, 16).reinterpret(16);
            long len = iov.get(ValueLayout.JAVA_LONG, 8);
            MemorySegment data = iov.get(ValueLayout.ADDRESS, 0).reinterpret(len);
            wire.add(data.get(ValueLayout.JAVA_BYTE, 0) + "/" + len);
        }
        return take;
    };

    @AfterEach
    void close() {
        arena.close();
    }

    private void queue(TxBatch b, int tag, int len) {
        b.slot().set(ValueLayout.JAVA_BYTE, 0, (byte) tag);
        b.commit(sock, len);
    }

    @Test
    void framesOfARoundLeaveInOneCallInOrder() {
        TxBatch b = new TxBatch(arena, 1514);
        for (int i = 1; i <= 5; i++) {
            queue(b, i, 60 + i);
        }
        assertThat(wire).isEmpty(); // nothing goes before the end of the round
        b.flush(sock);
        assertThat(calls).containsExactly(5);
        assertThat(wire).containsExactly("1/61", "2/62", "3/63", "4/64", "5/65");
        assertThat(b.sentPackets).isEqualTo(5);
        assertThat(b.sentBytes).isEqualTo(61 + 62 + 63 + 64 + 65);
        assertThat(b.isEmpty()).isTrue();
    }

    @Test
    void aFullBatchGoesAtOnceAndTheSlotsAreReused() {
        TxBatch b = new TxBatch(arena, 1514);
        for (int i = 0; i < TxBatch.SLOTS + 2; i++) {
            queue(b, i, 100);
        }
        assertThat(calls).containsExactly(TxBatch.SLOTS);
        b.flush(sock);
        assertThat(calls).containsExactly(TxBatch.SLOTS, 2);
        assertThat(wire).hasSize(TxBatch.SLOTS + 2).endsWith("64/100", "65/100");
        assertThat(b.syscalls).isEqualTo(2);
    }

    @Test
    void aPartialSendResumesAndARefusedFrameIsCountedAndSkipped() {
        TxBatch b = new TxBatch(arena, 1514);
        for (int i = 1; i <= 6; i++) {
            queue(b, i, 70);
        }
        script.addAll(List.of(2, -1, 10));
        b.flush(sock);
        assertThat(calls).containsExactly(6, 4, 3); // resumes at frame 3; frame 3 refused; 4..6 go
        assertThat(wire).containsExactly("1/70", "2/70", "4/70", "5/70", "6/70");
        assertThat(b.sentPackets).isEqualTo(5);
        assertThat(b.failed).isEqualTo(1);
    }
}
