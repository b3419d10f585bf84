/*
 * Copyright 2026 the Slotwise authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

package dev.slotwise.buffer;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * An append-only file that keeps a {@link WriteBuffer}'s writes across a restart. The
 * buffer appends a record when it accepts a write ({@code HOLD}) and when a write leaves
 * it ({@code DONE}: delivered, dropped, superseded); replaying the records in order gives
 * back the writes that were still buffered when the application stopped.
 *
 * <p>
 * Each record is framed as {@code length (4 bytes) | CRC-32C (4 bytes) | body}. Records
 * are written to the file at once (they survive the process dying) and forced to disk in
 * batches, every {@code fsyncInterval} (a power loss can take at most that much). When
 * the file is read back, the first record whose frame is incomplete or whose checksum
 * does not match ends the read: a torn last record after a crash is skipped, never
 * replayed half. The file is then rewritten with only the writes still pending (through a
 * complete copy beside it, so that a crash during the rewrite loses nothing), and it is
 * emptied whenever the buffer is.
 *
 * <p>
 * One journal directory belongs to one running application: the file is locked while
 * open, and a second opener gets an error that names the directory.
 */
public final class WriteBufferJournal implements Closeable {

	/** Name of the journal file inside its directory. */
	public static final String FILE_NAME = "write-buffer.journal";

	/** A compaction being written; incomplete until renamed to {@link #COMPACTED}. */
	private static final String COMPACTING = FILE_NAME + ".compacting";

	/**
	 * A complete compaction not yet copied into the journal file: if one is found at
	 * open, a crash interrupted the copy, and it replaces the journal's content.
	 */
	private static final String COMPACTED = FILE_NAME + ".compacted";

	private static final Log logger = LogFactory.getLog(WriteBufferJournal.class);

	private static final byte HOLD = 1;

	private static final byte DONE = 2;

	/** A prefix delete left the buffer (its key is a prefix, not a key). */
	private static final byte DONE_PREFIX = 3;

	private static final int FLAG_DELETE = 1;

	private static final int FLAG_VERSIONED = 2;

	private static final int FLAG_IF_ABSENT = 4;

	private static final int FLAG_PREFIX = 8;

	private static final int FRAME_HEADER = 8;

	private static final int MAX_RECORD = 512 * 1024 * 1024;

	/**
	 * Journal files open in this JVM. A file lock guards against other processes, but
	 * POSIX locks are per process: a second channel closed in this JVM would release the
	 * first one's lock, so a second opener here is stopped before it touches the file.
	 */
	private static final Set<Path> openInThisJvm = ConcurrentHashMap.newKeySet();

	private final Path file;

	private final FileChannel channel;

	private final FileLock fileLock;

	private final ScheduledExecutorService flusher;

	private final Object monitor = new Object();

	private boolean dirty;

	private long size;

	private volatile boolean failing;

	private final JournalRecovery recovered;

	private WriteBufferJournal(Path directory, Duration fsyncInterval) throws IOException {
		Files.createDirectories(directory);
		this.file = directory.toRealPath().resolve(FILE_NAME);
		if (!openInThisJvm.add(this.file)) {
			throw inUse(this.file);
		}
		FileLock acquired = null;
		FileChannel opened = null;
		try {
			opened = FileChannel.open(this.file, StandardOpenOption.CREATE, StandardOpenOption.READ,
					StandardOpenOption.WRITE);
			acquired = opened.tryLock();
		}
		finally {
			if (acquired == null) {
				if (opened != null) {
					opened.close();
				}
				openInThisJvm.remove(this.file);
			}
		}
		if (acquired == null) {
			throw inUse(this.file);
		}
		this.channel = opened;
		this.fileLock = acquired;
		try {
			finishInterruptedCompaction();
			this.recovered = read();
			compact(this.recovered.records());
		}
		catch (IOException | RuntimeException ex) {
			release();
			throw ex;
		}
		this.flusher = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "slotwise-write-buffer-journal");
			thread.setDaemon(true);
			return thread;
		});
		long interval = fsyncInterval.toMillis();
		this.flusher.scheduleWithFixedDelay(this::forceQuietly, interval, interval, TimeUnit.MILLISECONDS);
	}

	private static IllegalStateException inUse(Path file) {
		return new IllegalStateException("The write-buffer journal " + file
				+ " is in use by another running application. Give each instance its own directory "
				+ "(slotwise.write-buffer.journal.directory).");
	}

	private void release() throws IOException {
		try {
			if (this.channel.isOpen()) {
				this.fileLock.release();
				this.channel.close();
			}
		}
		finally {
			openInThisJvm.remove(this.file);
		}
	}

	/**
	 * Open (creating if needed) the journal in a directory and read back what it holds.
	 * @param directory the directory; created if missing
	 * @param fsyncInterval how often appended records are forced to disk
	 * @return the open journal
	 * @throws UncheckedIOException if the directory or file cannot be used
	 * @throws IllegalStateException if another application has the journal open
	 */
	public static WriteBufferJournal open(Path directory, Duration fsyncInterval) {
		if (fsyncInterval.isZero() || fsyncInterval.isNegative()) {
			throw new IllegalArgumentException("fsyncInterval must be positive, was " + fsyncInterval);
		}
		try {
			return new WriteBufferJournal(directory, fsyncInterval);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot open the write-buffer journal in " + directory.toAbsolutePath()
					+ ": " + ex.getMessage() + ". Check the directory exists and is writable "
					+ "(slotwise.write-buffer.journal.directory).", ex);
		}
	}

	/**
	 * The journal file.
	 * @return the path
	 */
	public Path file() {
		return this.file;
	}

	/**
	 * What was read back when the journal was opened: the writes still pending, oldest
	 * first, and how many bytes at the end were skipped as torn.
	 * @return the recovery
	 */
	public JournalRecovery recovered() {
		return this.recovered;
	}

	/**
	 * Record that a write is buffered (replacing any write buffered earlier for its key).
	 * @param record the write
	 */
	void held(JournalRecord record) {
		append(holdBody(record));
	}

	/**
	 * Record that the write buffered for a key left the buffer.
	 * @param key the key
	 */
	void done(byte[] key) {
		done(key, false);
	}

	/**
	 * Record that the write buffered for a key, or the prefix delete buffered for a
	 * prefix, left the buffer.
	 * @param key the key or prefix
	 * @param prefix whether it is the prefix of a prefix delete
	 */
	void done(byte[] key, boolean prefix) {
		ByteBuffer body = ByteBuffer.allocate(1 + 4 + key.length);
		body.put(prefix ? DONE_PREFIX : DONE).putInt(key.length).put(key);
		append(body.array());
	}

	/**
	 * Empty the journal: nothing is buffered any more.
	 */
	void truncate() {
		synchronized (this.monitor) {
			try {
				if (this.size > 0) {
					this.channel.truncate(0);
					this.channel.position(0);
					this.size = 0;
					this.dirty = true;
				}
			}
			catch (IOException ex) {
				failed("truncate", ex);
			}
		}
	}

	/**
	 * Replace the journal's content with these writes, atomically: the new content is
	 * written and forced to a file beside the journal, which is then renamed to mark it
	 * complete; only then is the journal file overwritten with it. A crash while the
	 * journal file is being overwritten leaves the complete copy, which the next
	 * {@link #open} puts back in place.
	 * @param records the writes pending now, oldest first
	 */
	void compact(Collection<JournalRecord> records) {
		synchronized (this.monitor) {
			try {
				Path temporary = this.file.resolveSibling(COMPACTING);
				Path compacted = this.file.resolveSibling(COMPACTED);
				try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.CREATE,
						StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
					for (JournalRecord record : records) {
						writeFully(out, frame(holdBody(record)));
					}
					out.force(true);
				}
				Files.move(temporary, compacted, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
				forceDirectory();
				copyIntoJournal(compacted);
				Files.delete(compacted);
			}
			catch (IOException ex) {
				failed("compact", ex);
			}
		}
	}

	/**
	 * Overwrite the journal file with a complete compaction. The lock is held on the open
	 * channel, so the content is copied in place (renaming over a locked file would
	 * unlock it on some systems).
	 */
	private void copyIntoJournal(Path compacted) throws IOException {
		try (FileChannel in = FileChannel.open(compacted, StandardOpenOption.READ)) {
			this.channel.truncate(0);
			this.channel.position(0);
			long copied = 0;
			long total = in.size();
			while (copied < total) {
				copied += in.transferTo(copied, total - copied, this.channel);
			}
			this.channel.force(true);
			this.size = total;
		}
	}

	private void finishInterruptedCompaction() throws IOException {
		Path compacted = this.file.resolveSibling(COMPACTED);
		if (Files.exists(compacted)) {
			logger.warn("A compaction of the write-buffer journal " + this.file
					+ " was interrupted while it was copied in place; its complete copy replaces the journal");
			copyIntoJournal(compacted);
			Files.delete(compacted);
		}
		Files.deleteIfExists(this.file.resolveSibling(COMPACTING));
	}

	/** Make a rename in the journal's directory durable, where the system allows it. */
	private void forceDirectory() {
		try (FileChannel directory = FileChannel.open(this.file.getParent(), StandardOpenOption.READ)) {
			directory.force(true);
		}
		catch (IOException ex) {
			// Not every system can open a directory (Windows); the rename still holds
			// against a crash of the process.
		}
	}

	/**
	 * How many bytes the journal holds now.
	 * @return the size
	 */
	public long size() {
		synchronized (this.monitor) {
			return this.size;
		}
	}

	private static byte[] holdBody(JournalRecord record) {
		byte[] value = record.value();
		int flags = (record.delete() ? FLAG_DELETE : 0) | (record.versioned() ? FLAG_VERSIONED : 0)
				| (record.ifAbsent() ? FLAG_IF_ABSENT : 0) | (record.prefix() ? FLAG_PREFIX : 0);
		ByteBuffer body = ByteBuffer
			.allocate(1 + 1 + 8 + 4 + record.key().length + 4 + ((value != null) ? value.length : 0));
		body.put(HOLD).put((byte) flags).putLong(record.deadline()).putInt(record.key().length).put(record.key());
		body.putInt((value != null) ? value.length : -1);
		if (value != null) {
			body.put(value);
		}
		return body.array();
	}

	private void append(byte[] body) {
		ByteBuffer framed = frame(body);
		synchronized (this.monitor) {
			try {
				this.channel.position(this.size);
				writeFully(this.channel, framed);
				this.size += framed.capacity();
				this.dirty = true;
				if (this.failing) {
					this.failing = false;
					logger.info("The write-buffer journal " + this.file + " is writable again");
				}
			}
			catch (IOException ex) {
				failed("append to", ex);
			}
		}
	}

	private static ByteBuffer frame(byte[] body) {
		CRC32C crc = new CRC32C();
		crc.update(body);
		ByteBuffer framed = ByteBuffer.allocate(FRAME_HEADER + body.length);
		framed.putInt(body.length).putInt((int) crc.getValue()).put(body).flip();
		return framed;
	}

	private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
		while (buffer.hasRemaining()) {
			channel.write(buffer);
		}
	}

	private void failed(String action, IOException ex) {
		if (!this.failing) {
			this.failing = true;
			logger.error("Cannot " + action + " the write-buffer journal " + this.file + " (" + ex.getMessage()
					+ "); buffered writes are kept in memory but would not survive a restart", ex);
		}
	}

	private void forceQuietly() {
		synchronized (this.monitor) {
			if (!this.dirty) {
				return;
			}
			this.dirty = false;
		}
		try {
			this.channel.force(false);
		}
		catch (IOException ex) {
			synchronized (this.monitor) {
				failed("force", ex);
			}
		}
	}

	private JournalRecovery read() throws IOException {
		long length = this.channel.size();
		Map<Key, JournalRecord> pending = new LinkedHashMap<>();
		ByteBuffer header = ByteBuffer.allocate(FRAME_HEADER);
		long position = 0;
		while (position < length) {
			header.clear();
			if (!readFully(position, header)) {
				break;
			}
			header.flip();
			int bodyLength = header.getInt();
			int checksum = header.getInt();
			if (bodyLength < 1 || bodyLength > MAX_RECORD || position + FRAME_HEADER + bodyLength > length) {
				break;
			}
			ByteBuffer body = ByteBuffer.allocate(bodyLength);
			if (!readFully(position + FRAME_HEADER, body)) {
				break;
			}
			CRC32C crc = new CRC32C();
			crc.update(body.array());
			if ((int) crc.getValue() != checksum || !apply(body.flip(), pending)) {
				break;
			}
			position += FRAME_HEADER + bodyLength;
		}
		long skipped = length - position;
		if (skipped > 0) {
			logger.warn("The write-buffer journal " + this.file + " ends with " + skipped
					+ " byte(s) that are not a whole record (a write torn by a crash); they are skipped, and the "
					+ pending.size() + " whole record(s) before them are replayed");
		}
		else if (!pending.isEmpty()) {
			logger.info("The write-buffer journal " + this.file + " holds " + pending.size()
					+ " write(s) from before the restart; they are replayed when their slots are healthy");
		}
		return new JournalRecovery(List.copyOf(pending.values()), skipped);
	}

	private boolean readFully(long position, ByteBuffer buffer) throws IOException {
		long at = position;
		while (buffer.hasRemaining()) {
			int read = this.channel.read(buffer, at);
			if (read < 0) {
				return false;
			}
			at += read;
		}
		return true;
	}

	private static boolean apply(ByteBuffer body, Map<Key, JournalRecord> pending) {
		try {
			byte type = body.get();
			if (type == DONE || type == DONE_PREFIX) {
				pending.remove(new Key(bytes(body, body.getInt()), type == DONE_PREFIX));
				return !body.hasRemaining();
			}
			if (type != HOLD) {
				return false;
			}
			int flags = body.get();
			long deadline = body.getLong();
			byte[] key = bytes(body, body.getInt());
			int valueLength = body.getInt();
			byte[] value = (valueLength < 0) ? null : bytes(body, valueLength);
			boolean prefix = (flags & FLAG_PREFIX) != 0;
			if (prefix && value != null) {
				return false;
			}
			Key mapKey = new Key(key, prefix);
			pending.remove(mapKey);
			pending.put(mapKey, new JournalRecord(key, value, (flags & FLAG_DELETE) != 0, deadline,
					(flags & FLAG_VERSIONED) != 0, (flags & FLAG_IF_ABSENT) != 0, prefix));
			return !body.hasRemaining();
		}
		catch (RuntimeException ex) {
			// A checksum that matched a malformed body: treat as the end of the journal.
			return false;
		}
	}

	private static byte[] bytes(ByteBuffer body, int length) {
		byte[] bytes = new byte[length];
		body.get(bytes);
		return bytes;
	}

	/**
	 * Force what was appended to disk and close the file.
	 */
	@Override
	public void close() {
		this.flusher.shutdown();
		try {
			this.flusher.awaitTermination(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		synchronized (this.monitor) {
			try {
				if (this.channel.isOpen()) {
					this.channel.force(true);
				}
				release();
			}
			catch (IOException ex) {
				failed("close", ex);
			}
		}
	}

	/**
	 * What a journal held when it was opened.
	 *
	 * @param records the writes still pending, oldest first
	 * @param skippedBytes bytes at the end that were not a whole record
	 */
	public record JournalRecovery(List<JournalRecord> records, long skippedBytes) {
	}

	/**
	 * One buffered write as the journal keeps it. A record of a prefix delete (a tag's
	 * group evicted) is framed like the others, with a flag: a journal written by a
	 * version that knows no prefix deletes reads the same.
	 *
	 * @param key the key, or the prefix of a prefix delete
	 * @param value the value, or {@code null} for a delete
	 * @param delete whether the key is deleted (before the value is set, if any)
	 * @param deadline the absolute deadline in epoch milliseconds, or 0 for none
	 * @param versioned whether the value carries a {@link VersionedValue} header
	 * @param ifAbsent whether the value is set only where the key holds none (a cache
	 * fill)
	 * @param prefix whether it deletes every key that starts with {@code key}
	 */
	public record JournalRecord(byte[] key, byte @Nullable [] value, boolean delete, long deadline, boolean versioned,
			boolean ifAbsent, boolean prefix) {

		/**
		 * A record of a write to one key.
		 * @param key the key
		 * @param value the value, or {@code null} for a delete
		 * @param delete whether the key is deleted (before the value is set, if any)
		 * @param deadline the absolute deadline in epoch milliseconds, or 0 for none
		 * @param versioned whether the value carries a {@link VersionedValue} header
		 * @param ifAbsent whether the value is set only where the key holds none (a cache
		 * fill)
		 */
		public JournalRecord(byte[] key, byte @Nullable [] value, boolean delete, long deadline, boolean versioned,
				boolean ifAbsent) {
			this(key, value, delete, deadline, versioned, ifAbsent, false);
		}

		/**
		 * A record of a write that sets its value unconditionally.
		 * @param key the key
		 * @param value the value, or {@code null} for a delete
		 * @param delete whether the key is deleted (before the value is set, if any)
		 * @param deadline the absolute deadline in epoch milliseconds, or 0 for none
		 * @param versioned whether the value carries a {@link VersionedValue} header
		 */
		public JournalRecord(byte[] key, byte @Nullable [] value, boolean delete, long deadline, boolean versioned) {
			this(key, value, delete, deadline, versioned, false);
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof JournalRecord that && Arrays.equals(this.key, that.key)
					&& Arrays.equals(this.value, that.value) && this.delete == that.delete
					&& this.deadline == that.deadline && this.versioned == that.versioned
					&& this.ifAbsent == that.ifAbsent && this.prefix == that.prefix;
		}

		@Override
		public int hashCode() {
			return Arrays.hashCode(this.key) * 31 + Arrays.hashCode(this.value);
		}

		@Override
		public String toString() {
			return "JournalRecord[key=" + new String(this.key, java.nio.charset.StandardCharsets.UTF_8) + ", delete="
					+ this.delete + ", deadline=" + this.deadline + ", versioned=" + this.versioned + ", ifAbsent="
					+ this.ifAbsent + ", prefix=" + this.prefix + "]";
		}

	}

	private record Key(byte[] bytes, boolean prefix) {

		@Override
		public boolean equals(Object other) {
			return other instanceof Key key && Arrays.equals(this.bytes, key.bytes) && this.prefix == key.prefix;
		}

		@Override
		public int hashCode() {
			return Arrays.hashCode(this.bytes) * 31 + Boolean.hashCode(this.prefix);
		}

	}

}
