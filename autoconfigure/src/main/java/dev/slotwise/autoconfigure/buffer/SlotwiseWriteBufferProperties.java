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

package dev.slotwise.autoconfigure.buffer;

import java.nio.file.Path;
import java.time.Duration;

import dev.slotwise.buffer.WriteBufferSettings;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties of the write buffer: the writes Slotwise holds while their
 * slots are down, and replays once they are back. Defaults are core's
 * {@link WriteBufferSettings} constants.
 */
@ConfigurationProperties("slotwise.write-buffer")
public class SlotwiseWriteBufferProperties {

	/**
	 * Most writes held while their slots are down.
	 */
	private int maxEntries = WriteBufferSettings.DEFAULT_MAX_ENTRIES;

	/**
	 * Most key and value bytes held while their slots are down.
	 */
	private DataSize maxSize = DataSize.ofBytes(WriteBufferSettings.DEFAULT_MAX_BYTES);

	/**
	 * What happens to a write that does not fit: 'reject-new' or 'drop-oldest'. Either
	 * way it is counted and logged.
	 */
	private WriteBufferSettings.Overflow overflow = WriteBufferSettings.DEFAULT_OVERFLOW;

	/**
	 * How often buffered writes are replayed.
	 */
	private Duration replayInterval = WriteBufferSettings.DEFAULT_REPLAY_INTERVAL;

	/**
	 * How long stopping the application may spend delivering buffered writes.
	 */
	private Duration drainTimeout = WriteBufferSettings.DEFAULT_DRAIN_TIMEOUT;

	/**
	 * How long a write waits for Redis before it is buffered instead (and no longer than
	 * its master may stay silent, see slotwise.cluster.stall-detection); 0 waits the
	 * command timeout.
	 */
	private Duration writeTimeout = WriteBufferSettings.DEFAULT_WRITE_TIMEOUT;

	private final Journal journal = new Journal();

	public int getMaxEntries() {
		return this.maxEntries;
	}

	public void setMaxEntries(int maxEntries) {
		this.maxEntries = maxEntries;
	}

	public DataSize getMaxSize() {
		return this.maxSize;
	}

	public void setMaxSize(DataSize maxSize) {
		this.maxSize = maxSize;
	}

	public WriteBufferSettings.Overflow getOverflow() {
		return this.overflow;
	}

	public void setOverflow(WriteBufferSettings.Overflow overflow) {
		this.overflow = overflow;
	}

	public Duration getReplayInterval() {
		return this.replayInterval;
	}

	public void setReplayInterval(Duration replayInterval) {
		this.replayInterval = replayInterval;
	}

	public Duration getWriteTimeout() {
		return this.writeTimeout;
	}

	public void setWriteTimeout(Duration writeTimeout) {
		this.writeTimeout = writeTimeout;
	}

	public Duration getDrainTimeout() {
		return this.drainTimeout;
	}

	public void setDrainTimeout(Duration drainTimeout) {
		this.drainTimeout = drainTimeout;
	}

	public Journal getJournal() {
		return this.journal;
	}

	/**
	 * An on-disk journal that keeps buffered writes across a restart.
	 */
	public static class Journal {

		/**
		 * Whether writes still buffered when the application stops are kept on disk and
		 * replayed when it starts again.
		 */
		private boolean enabled;

		/**
		 * Directory of the journal file; one directory per running instance.
		 */
		private Path directory = Path.of("slotwise-journal");

		/**
		 * How often journal records are forced to disk; a power loss can take the writes
		 * of at most this long.
		 */
		private Duration fsyncInterval = WriteBufferSettings.DEFAULT_JOURNAL_FSYNC_INTERVAL;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Path getDirectory() {
			return this.directory;
		}

		public void setDirectory(Path directory) {
			this.directory = directory;
		}

		public Duration getFsyncInterval() {
			return this.fsyncInterval;
		}

		public void setFsyncInterval(Duration fsyncInterval) {
			this.fsyncInterval = fsyncInterval;
		}

	}

}
