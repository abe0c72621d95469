package org.signalbox.edge;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads a file that keeps growing, like {@code tail -F}: at its end it waits and reads again, and
 * when the file is rotated (replaced, or truncated) it starts over on the new file. It only ends
 * when the reading thread is interrupted.
 */
public final class FollowingInputStream extends InputStream {
  private final Path file;
  private final long pollMillis;
  private SeekableByteChannel channel;
  private Object fileKey;

  public FollowingInputStream(Path file, long pollMillis) throws IOException {
    this.file = file;
    this.pollMillis = pollMillis;
    open();
  }

  private void open() throws IOException {
    channel = Files.newByteChannel(file);
    fileKey = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    while (true) {
      int n = channel.read(ByteBuffer.wrap(b, off, len));
      if (n > 0) {
        return n;
      }
      if (rotated()) {
        channel.close();
        open();
        continue;
      }
      try {
        Thread.sleep(pollMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("stopped following " + file);
      }
    }
  }

  private boolean rotated() throws IOException {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      return (fileKey != null && !fileKey.equals(a.fileKey())) || a.size() < channel.position();
    } catch (NoSuchFileException e) {
      // Between a rotation's rename and the new file's creation.
      return false;
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
