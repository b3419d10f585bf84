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

import java.time.Clock;

import dev.slotwise.autoconfigure.PropertyChecks;
import dev.slotwise.autoconfigure.cluster.FailureDetectionAutoConfiguration;
import dev.slotwise.autoconfigure.key.ClusterKeysAutoConfiguration;
import dev.slotwise.buffer.WriteBuffer;
import dev.slotwise.buffer.WriteBufferJournal;
import dev.slotwise.buffer.WriteBufferSettings;
import dev.slotwise.cluster.SlotGuard;
import dev.slotwise.key.ClusterKeys;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Auto-configuration of the {@link WriteBuffer} (and its {@link WriteBufferJournal} when
 * {@code slotwise.write-buffer.journal.enabled}): writes held while their slots are down
 * and replayed once they are back. The cache writes through it; applications may use it
 * directly. Configured under {@code slotwise.write-buffer.*}.
 */
@AutoConfiguration(after = { DataRedisAutoConfiguration.class, ClusterKeysAutoConfiguration.class,
		FailureDetectionAutoConfiguration.class })
@ConditionalOnClass(RedisConnectionFactory.class)
@ConditionalOnBean({ RedisConnectionFactory.class, SlotGuard.class, ClusterKeys.class })
@EnableConfigurationProperties(SlotwiseWriteBufferProperties.class)
public final class WriteBufferAutoConfiguration {

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty("slotwise.write-buffer.journal.enabled")
	WriteBufferJournal slotwiseWriteBufferJournal(SlotwiseWriteBufferProperties properties) {
		SlotwiseWriteBufferProperties.Journal journal = properties.getJournal();
		return WriteBufferJournal.open(journal.getDirectory(),
				PropertyChecks.positive("slotwise.write-buffer.journal.fsync-interval", journal.getFsyncInterval()));
	}

	@Bean
	@ConditionalOnMissingBean
	WriteBuffer writeBuffer(RedisConnectionFactory connectionFactory, ClusterKeys keys, SlotGuard guard,
			SlotwiseWriteBufferProperties properties, ObjectProvider<WriteBufferJournal> journal) {
		if (properties.getMaxEntries() < 1 || properties.getMaxSize().toBytes() < 1) {
			throw new InvalidConfigurationPropertyValueException("slotwise.write-buffer.max-entries",
					properties.getMaxEntries() + " / " + properties.getMaxSize(),
					"The write buffer needs room for at least one write: set max-entries and max-size above zero.");
		}
		if (properties.getDrainTimeout().isNegative()) {
			throw new InvalidConfigurationPropertyValueException("slotwise.write-buffer.drain-timeout",
					properties.getDrainTimeout(), "It must not be negative; 0 stops without draining.");
		}
		if (properties.getWriteTimeout().isNegative()) {
			throw new InvalidConfigurationPropertyValueException("slotwise.write-buffer.write-timeout",
					properties.getWriteTimeout(), "It must not be negative; 0 waits the command timeout.");
		}
		WriteBufferSettings settings = new WriteBufferSettings(properties.getMaxEntries(),
				properties.getMaxSize().toBytes(), properties.getOverflow(),
				PropertyChecks.positive("slotwise.write-buffer.replay-interval", properties.getReplayInterval()),
				WriteBufferSettings.DEFAULT_REPLAY_BATCH_SIZE, WriteBufferSettings.DEFAULT_INITIAL_BACKOFF,
				WriteBufferSettings.DEFAULT_MAX_BACKOFF, properties.getDrainTimeout(), properties.getWriteTimeout());
		return new WriteBuffer(connectionFactory, keys, guard, settings, Clock.systemUTC(), journal.getIfAvailable());
	}

}
