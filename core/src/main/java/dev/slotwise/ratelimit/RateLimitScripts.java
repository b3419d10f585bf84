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

package dev.slotwise.ratelimit;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The Lua scripts of a {@link RateLimiter}, one per {@link RateLimit.Algorithm}: the ones
 * Slotwise ships ({@code META-INF/slotwise/scripts/rate_<algorithm>.lua}), or a
 * replacement for any of them. Immutable.
 *
 * <p>
 * With Spring Boot each script is a bean whose name is one of the {@code *_BEAN_NAME}
 * constants; a bean of that name defined by the application replaces the algorithm's
 * script. A script receives the keys and arguments of the one it replaces and answers the
 * same way:
 * <ul>
 * <li>{@code KEYS[1]}: the subject's state, {@code <prefix>:{<subject>}:<limit>:<code>};
 * for a fixed window also {@code KEYS[2]}, the subject's optional quota. Every key shares
 * the subject's hash tag.</li>
 * <li>{@code ARGV[1]}: permits; {@code ARGV[2]}: the window in milliseconds;
 * {@code ARGV[3]}: the burst; {@code ARGV[4]}: the permits asked, always 1 for a
 * replacement.</li>
 * <li>The reply: {@code {allowed (1 or 0), remaining, retry after ms, reset after ms,
 * limit}}.</li>
 * </ul>
 * The scripts Slotwise ships also answer for several permits at once: asked for
 * {@code n}, they grant as many as fit and answer that number first, which lets the
 * {@link RateLimiter} coalesce concurrent decisions for one subject into one call. A
 * replacement is never asked for more than one, so a script written before
 * {@code ARGV[4]} keeps working. Replacements run like the scripts they replace, through
 * {@link dev.slotwise.support.ScriptRunner}: keys that span slots stop the run with a
 * {@link dev.slotwise.key.CrossSlotException} before anything is sent.
 */
@SuppressWarnings("rawtypes")
public final class RateLimitScripts {

	/** Name of the bean holding the fixed-window script. */
	public static final String FIXED_WINDOW_BEAN_NAME = "slotwiseFixedWindowScript";

	/** Name of the bean holding the sliding-window script. */
	public static final String SLIDING_WINDOW_BEAN_NAME = "slotwiseSlidingWindowScript";

	/** Name of the bean holding the token-bucket script. */
	public static final String TOKEN_BUCKET_BEAN_NAME = "slotwiseTokenBucketScript";

	/** Name of the bean holding the GCRA script. */
	public static final String GCRA_BEAN_NAME = "slotwiseGcraScript";

	private static final RateLimitScripts DEFAULTS = new RateLimitScripts(shipped());

	private final Map<RateLimit.Algorithm, RedisScript<List>> scripts;

	private RateLimitScripts(Map<RateLimit.Algorithm, RedisScript<List>> scripts) {
		this.scripts = scripts;
	}

	/**
	 * The scripts Slotwise ships.
	 * @return the scripts
	 */
	public static RateLimitScripts defaults() {
		return DEFAULTS;
	}

	/**
	 * The script Slotwise ships for an algorithm.
	 * @param algorithm the algorithm
	 * @return its script, loaded from {@code META-INF/slotwise/scripts}
	 */
	public static RedisScript<List> defaultScript(RateLimit.Algorithm algorithm) {
		return DEFAULTS.get(algorithm);
	}

	/**
	 * The name of the bean that holds an algorithm's script.
	 * @param algorithm the algorithm
	 * @return one of the {@code *_BEAN_NAME} constants
	 */
	public static String beanName(RateLimit.Algorithm algorithm) {
		return switch (Objects.requireNonNull(algorithm, "algorithm must not be null")) {
			case FIXED_WINDOW -> FIXED_WINDOW_BEAN_NAME;
			case SLIDING_WINDOW -> SLIDING_WINDOW_BEAN_NAME;
			case TOKEN_BUCKET -> TOKEN_BUCKET_BEAN_NAME;
			case GCRA -> GCRA_BEAN_NAME;
		};
	}

	/**
	 * These scripts with one replaced.
	 * @param algorithm the algorithm whose script is replaced
	 * @param script the replacement; its result type must be a {@link List}
	 * @return new scripts
	 * @throws IllegalArgumentException if the script does not answer a list
	 */
	@SuppressWarnings("unchecked")
	public RateLimitScripts with(RateLimit.Algorithm algorithm, RedisScript<?> script) {
		Objects.requireNonNull(algorithm, "algorithm must not be null");
		Objects.requireNonNull(script, "script must not be null");
		Class<?> resultType = script.getResultType();
		if (resultType == null || !List.class.isAssignableFrom(resultType)) {
			throw new IllegalArgumentException(
					"The " + describe(algorithm) + " rate-limit script (bean '" + beanName(algorithm)
							+ "') has the result type " + ((resultType != null) ? resultType.getName() : "none")
							+ ", but a rate-limit script answers a list {allowed (1 or 0), remaining, retry after ms, "
							+ "reset after ms, limit}. Create it with RedisScript.of(source, List.class).");
		}
		Map<RateLimit.Algorithm, RedisScript<List>> scripts = new EnumMap<>(this.scripts);
		scripts.put(algorithm, (RedisScript<List>) script);
		return new RateLimitScripts(scripts);
	}

	/**
	 * The script of an algorithm.
	 * @param algorithm the algorithm
	 * @return its script
	 */
	public RedisScript<List> get(RateLimit.Algorithm algorithm) {
		return this.scripts.get(Objects.requireNonNull(algorithm, "algorithm must not be null"));
	}

	/**
	 * Whether an algorithm's script is the one Slotwise ships (same SHA-1), which answers
	 * for several permits at once ({@code ARGV[4]}).
	 * @param algorithm the algorithm
	 * @return whether its script is Slotwise's
	 */
	boolean isShipped(RateLimit.Algorithm algorithm) {
		return get(algorithm).getSha1().equals(DEFAULTS.get(algorithm).getSha1());
	}

	/**
	 * An algorithm as text for messages: {@code token-bucket}.
	 * @param algorithm the algorithm
	 * @return its name in lower case, words joined by hyphens
	 */
	static String describe(RateLimit.Algorithm algorithm) {
		return algorithm.name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	@SuppressWarnings("unchecked")
	private static Map<RateLimit.Algorithm, RedisScript<List>> shipped() {
		Map<RateLimit.Algorithm, RedisScript<List>> scripts = new EnumMap<>(RateLimit.Algorithm.class);
		for (RateLimit.Algorithm algorithm : RateLimit.Algorithm.values()) {
			String name = "META-INF/slotwise/scripts/rate_" + algorithm.name().toLowerCase(Locale.ROOT) + ".lua";
			scripts.put(algorithm, (RedisScript) RedisScript.of(new ClassPathResource(name), List.class));
		}
		return scripts;
	}

}
