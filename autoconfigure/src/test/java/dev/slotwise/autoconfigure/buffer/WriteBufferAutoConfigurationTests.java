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

import dev.slotwise.autoconfigure.cluster.ClusterConnectionAutoConfiguration;
import dev.slotwise.autoconfigure.cluster.FailureDetectionAutoConfiguration;
import dev.slotwise.autoconfigure.key.ClusterKeysAutoConfiguration;
import dev.slotwise.buffer.WriteBuffer;
import dev.slotwise.buffer.WriteBufferSettings;
import dev.slotwise.cluster.SlotGuard;
import dev.slotwise.cluster.SlotHealth;
import dev.slotwise.key.ClusterKeys;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wiring of {@link WriteBufferAutoConfiguration}; no Redis needed.
 */
class WriteBufferAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ClusterConnectionAutoConfiguration.class,
				FailureDetectionAutoConfiguration.class, ClusterKeysAutoConfiguration.class,
				DataRedisAutoConfiguration.class, WriteBufferAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.cluster.nodes=127.0.0.1:7000,127.0.0.1:7001");

	@Test
	void providesTheWriteBufferWithoutTheCache() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(WriteBuffer.class);
			assertThat(context.getBean(SlotwiseWriteBufferProperties.class).getMaxEntries())
				.isEqualTo(WriteBufferSettings.DEFAULT_MAX_ENTRIES);
		});
	}

	@Test
	void backsOffForAUsersWriteBuffer() {
		this.runner
			.withBean("myBuffer", WriteBuffer.class,
					() -> new WriteBuffer(new LettuceConnectionFactory(), new ClusterKeys(),
							new SlotGuard(new SlotHealth(SlotHealth.DEFAULT_PROBE_INTERVAL, Clock.systemUTC())),
							WriteBufferSettings.defaults(), Clock.systemUTC()))
			.run((context) -> assertThat(context).hasSingleBean(WriteBuffer.class).hasBean("myBuffer"));
	}

	@Test
	void badBoundsAndTimingsNameTheProperty() {
		this.runner.withPropertyValues("slotwise.write-buffer.max-size=0B")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("slotwise.write-buffer.max-entries"));
		this.runner.withPropertyValues("slotwise.write-buffer.drain-timeout=-1s")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("slotwise.write-buffer.drain-timeout"));
		this.runner.withPropertyValues("slotwise.write-buffer.replay-interval=0ms")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("slotwise.write-buffer.replay-interval"));
		this.runner.withPropertyValues("slotwise.write-buffer.write-timeout=-5ms")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("slotwise.write-buffer.write-timeout")
				.hasMessageContaining("0 waits the command timeout"));
	}

	@Test
	void needsAConnectionFactory() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(WriteBufferAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(WriteBuffer.class));
	}

}
