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

package dev.slotwise.autoconfigure.ratelimit;

import java.time.Duration;
import java.util.List;

import dev.slotwise.autoconfigure.cache.ClusterCacheAutoConfiguration;
import dev.slotwise.autoconfigure.buffer.WriteBufferAutoConfiguration;
import dev.slotwise.autoconfigure.cluster.ClusterConnectionAutoConfiguration;
import dev.slotwise.autoconfigure.cluster.FailureDetectionAutoConfiguration;
import dev.slotwise.autoconfigure.key.ClusterKeysAutoConfiguration;
import dev.slotwise.ratelimit.FailureMode;
import dev.slotwise.ratelimit.RateLimit;
import dev.slotwise.ratelimit.RateLimitScripts;
import dev.slotwise.ratelimit.RateLimited;
import dev.slotwise.ratelimit.RateLimiter;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wiring of {@link RateLimiterAutoConfiguration}; no Redis needed.
 */
class RateLimiterAutoConfigurationTests {

	private static final AutoConfigurations CONFIGURATIONS = AutoConfigurations.of(
			ClusterConnectionAutoConfiguration.class, FailureDetectionAutoConfiguration.class,
			ClusterKeysAutoConfiguration.class, DataRedisAutoConfiguration.class, WriteBufferAutoConfiguration.class,
			ClusterCacheAutoConfiguration.class, RateLimiterAutoConfiguration.class);

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(CONFIGURATIONS)
		.withPropertyValues("spring.data.redis.cluster.nodes=127.0.0.1:7000");

	private final ReactiveWebApplicationContextRunner reactive = new ReactiveWebApplicationContextRunner()
		.withConfiguration(CONFIGURATIONS)
		.withConfiguration(AutoConfigurations.of(WebFluxAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.cluster.nodes=127.0.0.1:7000",
				"slotwise.rate-limit.limits.api.permits=5");

	@Test
	void namedLimitsBecomeRateLimitsWithTheirDefaults() {
		this.runner.withPropertyValues("slotwise.rate-limit.limits.api.permits=100",
				"slotwise.rate-limit.limits.api.window=1m", "slotwise.rate-limit.limits.burst.algorithm=token-bucket",
				"slotwise.rate-limit.limits.burst.permits=10", "slotwise.rate-limit.limits.burst.burst=50",
				"slotwise.rate-limit.failure-mode=deny")
			.run((context) -> {
				RateLimiter limiter = context.getBean(RateLimiter.class);
				assertThat(limiter.limits()).containsEntry("api", RateLimit.fixedWindow(100, Duration.ofMinutes(1)))
					.containsEntry("burst", RateLimit.tokenBucket(10, Duration.ofSeconds(1), 50));
				assertThat(limiter.failureMode()).isEqualTo(FailureMode.DENY);
			});
	}

	@Test
	void badLimitsFailAtStartNamingTheProperty() {
		this.runner.withPropertyValues("slotwise.rate-limit.limits.api.permits=0").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("slotwise.rate-limit.limits.api.permits");
		});
		this.runner.withPropertyValues("slotwise.rate-limit.limits.api.window=1s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("slotwise.rate-limit.limits.api.permits");
		});
		this.runner
			.withPropertyValues("slotwise.rate-limit.limits.api.permits=5", "slotwise.rate-limit.limits.api.window=0s")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("slotwise.rate-limit.limits.api.window");
			});
	}

	@Test
	void eachAlgorithmsScriptIsABeanNamedByItsConstantAndTheLimiterRunsIt() {
		this.runner.run((context) -> {
			RateLimiter limiter = context.getBean(RateLimiter.class);
			for (RateLimit.Algorithm algorithm : RateLimit.Algorithm.values()) {
				String name = RateLimitScripts.beanName(algorithm);
				assertThat(context).hasBean(name);
				assertThat(context.getBean(name)).as(name)
					.isSameAs(RateLimitScripts.defaultScript(algorithm))
					.isSameAs(limiter.scripts().get(algorithm));
			}
		});
	}

	@Test
	void anApplicationScriptBeanOfTheSameNameReplacesThatAlgorithmOnly() {
		this.runner.withUserConfiguration(TokenBucketReplacement.class).run((context) -> {
			RateLimiter limiter = context.getBean(RateLimiter.class);
			assertThat(context.getBean(RateLimitScripts.TOKEN_BUCKET_BEAN_NAME))
				.isSameAs(TokenBucketReplacement.SCRIPT);
			assertThat(limiter.scripts().get(RateLimit.Algorithm.TOKEN_BUCKET)).isSameAs(TokenBucketReplacement.SCRIPT);
			assertThat(limiter.scripts().get(RateLimit.Algorithm.GCRA))
				.isSameAs(RateLimitScripts.defaultScript(RateLimit.Algorithm.GCRA));
		});
	}

	@Test
	void aReplacementThatDoesNotAnswerAListFailsTheStartNamingTheBean() {
		this.runner.withUserConfiguration(WrongResultType.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(IllegalArgumentException.class)
				.hasMessageContaining("'slotwiseGcraScript'")
				.hasMessageContaining("java.lang.Long")
				.hasMessageContaining("RedisScript.of(source, List.class)");
		});
	}

	@Test
	void decisionsAreCoalescedUnlessTurnedOff() {
		this.runner.run((context) -> assertThat(context.getBean(RateLimiter.class).coalesces()).isTrue());
		this.runner.withPropertyValues("slotwise.rate-limit.coalesce=false")
			.run((context) -> assertThat(context.getBean(RateLimiter.class).coalesces()).isFalse());
	}

	@Test
	void backsOffWhenDisabled() {
		this.runner.withPropertyValues("slotwise.rate-limit.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(RateLimiter.class));
	}

	@Test
	void aRateLimitedHandlerNamingAnUnknownLimitFailsTheStart() {
		new WebApplicationContextRunner().withConfiguration(CONFIGURATIONS)
			.withConfiguration(AutoConfigurations.of(WebMvcAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.cluster.nodes=127.0.0.1:7000",
					"slotwise.rate-limit.limits.api.permits=5")
			.withUserConfiguration(Limited.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).hasMessageContaining("@RateLimited(\"apii\")")
					.hasMessageContaining("slotwise.rate-limit.limits.apii.permits")
					.hasMessageContaining("[api]");
			});
	}

	@Test
	void servletApplicationsGetTheInterceptorReactiveOnesTheWebFilterOthersNeither() {
		new WebApplicationContextRunner().withConfiguration(CONFIGURATIONS)
			.withConfiguration(AutoConfigurations.of(WebMvcAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.cluster.nodes=127.0.0.1:7000")
			.run((context) -> assertThat(context).hasSingleBean(RateLimitedInterceptor.class)
				.doesNotHaveBean(RateLimitedWebFilter.class));
		this.reactive.run((context) -> assertThat(context).hasSingleBean(RateLimitedWebFilter.class)
			.doesNotHaveBean(RateLimitedInterceptor.class));
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(RateLimitedWebFilter.class)
			.doesNotHaveBean(RateLimitedInterceptor.class));
	}

	@Test
	void anApplicationsWebFilterBeanWins() {
		this.reactive.withUserConfiguration(OwnWebFilter.class)
			.run((context) -> assertThat(context).getBean(RateLimitedWebFilter.class)
				.isSameAs(context.getBean("ownRateLimitedWebFilter")));
	}

	@Test
	void theWebFilterBacksOffWhenTheLimiterIsDisabled() {
		this.reactive.withPropertyValues("slotwise.rate-limit.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(RateLimitedWebFilter.class));
	}

	@Test
	void theHeadersAreTheDraftsUnlessChosenAndABadChoiceNamesTheProperty() {
		this.runner.run((context) -> assertThat(context.getBean(SlotwiseRateLimitProperties.class).getHeaders())
			.isEqualTo(RateLimitHeaders.DRAFT));
		this.runner.withPropertyValues("slotwise.rate-limit.headers=both")
			.run((context) -> assertThat(context.getBean(SlotwiseRateLimitProperties.class).getHeaders())
				.isEqualTo(RateLimitHeaders.BOTH));
		this.runner.withPropertyValues("slotwise.rate-limit.headers=drafts").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure())
				.hasStackTraceContaining("Failed to bind properties under 'slotwise.rate-limit.headers'")
				.hasStackTraceContaining("drafts");
		});
	}

	@Test
	void aRateLimitedWebFluxHandlerNamingAnUnknownLimitFailsTheStart() {
		this.reactive.withUserConfiguration(ReactiveLimited.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).hasMessageContaining("@RateLimited(\"apii\")")
				.hasMessageContaining("slotwise.rate-limit.limits.apii.permits")
				.hasMessageContaining("[api]");
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnWebFilter {

		@Bean
		RateLimitedWebFilter ownRateLimitedWebFilter(RateLimiter limiter) {
			return new RateLimitedWebFilter(limiter, RateLimitHeaders.NONE, List.of());
		}

	}

	@RestController
	static class ReactiveLimited {

		@GetMapping("/limited")
		@RateLimited("apii")
		Mono<String> limited() {
			return Mono.just("ok");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TokenBucketReplacement {

		@SuppressWarnings("rawtypes")
		static final RedisScript<List> SCRIPT = RedisScript.of("return {1, 0, 0, 0, 1}", List.class);

		@Bean(RateLimitScripts.TOKEN_BUCKET_BEAN_NAME)
		@SuppressWarnings("rawtypes")
		RedisScript<List> myTokenBucket() {
			return SCRIPT;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class WrongResultType {

		@Bean(RateLimitScripts.GCRA_BEAN_NAME)
		RedisScript<Long> myGcra() {
			return RedisScript.of("return 1", Long.class);
		}

	}

	@RestController
	static class Limited {

		@GetMapping("/limited")
		@RateLimited("apii")
		String limited() {
			return "ok";
		}

	}

}
