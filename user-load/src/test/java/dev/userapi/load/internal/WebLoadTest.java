package dev.userapi.load.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WebLoadTest {
  private static byte[] body(byte[]... frames) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] f : frames) {
      out.writeBytes(f);
    }
    return out.toByteArray();
  }

  private static byte[] trailers(String text) {
    byte[] frame = WebLoad.frame(text.getBytes(StandardCharsets.ISO_8859_1));
    frame[0] = (byte) 0x80;
    return frame;
  }

  @Test
  void aFrameIsAFlagByteABigEndianLengthAndTheMessage() {
    byte[] message = new byte[300];
    byte[] frame = WebLoad.frame(message);

    assertThat(frame).hasSize(305);
    assertThat(frame[0]).isZero();
    assertThat(new byte[] {frame[1], frame[2], frame[3], frame[4]}).containsExactly(0, 0, 1, 44);
  }

  @Test
  void theStatusComesFromTheTrailerFrameAfterTheMessages() {
    byte[] ok =
        body(WebLoad.frame(new byte[] {8, 1}), trailers("grpc-status:0\r\ngrpc-message:\r\n"));
    byte[] notFound = body(trailers("Grpc-Status: 5\r\ngrpc-message: no such user\r\n"));

    assertThat(WebLoad.grpcStatus(ok)).isEqualTo("0");
    assertThat(WebLoad.grpcStatus(notFound)).isEqualTo("5");
  }

  @Test
  void aBodyWithoutATrailerFrameOrCutShortHasNoStatus() {
    assertThat(WebLoad.grpcStatus(new byte[0])).isNull();
    assertThat(WebLoad.grpcStatus(WebLoad.frame(new byte[] {1, 2, 3}))).isNull();
    byte[] cut = trailers("grpc-status:0\r\n");
    byte[] shorter = java.util.Arrays.copyOf(cut, cut.length - 3);
    assertThat(WebLoad.grpcStatus(shorter)).isNull();
  }
}
