//! Page numbers written as text: a gram's pages as gap codes or as a bitmap, whichever is
//! shorter (the format is in `search`'s documentation). The twin of this file is `decode` in
//! `themes/default/static/search.js`, which reads what `encode_numbers` writes: change both together.

/// Digits of the codes: in gap codes the first 32 end a number and the last 32 are followed
/// by more digits; in bitmaps each stands for six bits.
const DIGITS: &[u8; 64] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";

/// The page numbers a code stands for (the inverse of `encode_numbers`, read as `search.js`
/// reads it); `None` when the code holds a character that is not a digit.
pub fn decode_numbers(code: &str) -> Option<Vec<u32>> {
    let value = |c: char| DIGITS.iter().position(|&d| char::from(d) == c).map(|v| v as i64);
    let mut out = Vec::new();
    if let Some(bits) = code.strip_prefix('~') {
        for (i, c) in bits.chars().enumerate() {
            let v = value(c)?;
            out.extend((0..6).filter(|j| v & (1 << j) != 0).map(|j| i as u32 * 6 + j));
        }
        return Some(out);
    }
    let (mut page, mut gap, mut scale) = (-1i64, 0i64, 1i64);
    for c in code.chars() {
        let v = value(c)?;
        if v >= 32 {
            gap += (v - 32) * scale;
            scale *= 32;
        } else {
            page += gap + v * scale;
            out.push(page as u32);
            gap = 0;
            scale = 1;
        }
    }
    Some(out)
}

/// Ascending page numbers as gap codes or as a bitmap, whichever is shorter (see the module
/// documentation).
pub(super) fn encode_numbers(numbers: &[u32]) -> String {
    let mut out = String::with_capacity(numbers.len() + 1);
    let mut previous: i64 = -1;
    for &number in numbers {
        let mut gap = (i64::from(number) - previous) as u64;
        previous = i64::from(number);
        loop {
            let digit = (gap % 32) as usize;
            gap /= 32;
            if gap == 0 {
                out.push(DIGITS[digit] as char);
                break;
            }
            out.push(DIGITS[32 + digit] as char);
        }
    }
    let last = numbers.last().map_or(0, |&n| n as usize);
    // The bitmap: `~` and one digit per six pages up to the last.
    if out.len() <= last / 6 + 2 {
        return out;
    }
    let mut bits = vec![0u8; last / 6 + 1];
    for &number in numbers {
        bits[number as usize / 6] |= 1 << (number % 6);
    }
    let mut map = String::with_capacity(bits.len() + 1);
    map.push('~');
    map.extend(bits.iter().map(|&b| DIGITS[usize::from(b)] as char));
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers_round_trip_in_both_codes() {
        assert_eq!(encode_numbers(&[0, 42, 45]), "1G13");
        assert_eq!(decode_numbers("1G13").unwrap(), [0, 42, 45]);
        assert_eq!(encode_numbers(&(0..15).collect::<Vec<_>>()), "~__7");
        assert_eq!(decode_numbers("~1w").unwrap(), [0, 11]);
        let sets: Vec<Vec<u32>> = vec![
            vec![0],
            vec![5],
            vec![31, 32, 33, 1_000_000],
            (0..10_000).collect(),
            (0..10_000).filter(|i| i % 3 != 0).collect(),
            (0..10_000).filter(|i| i % 97 == 5).collect(),
            vec![1023, 1024, 32_767, 32_768, 32_800],
        ];
        for set in sets {
            let code = encode_numbers(&set);
            assert_eq!(decode_numbers(&code).unwrap(), set, "{code}");
            assert!(code.chars().all(|c| c == '~' || DIGITS.contains(&(c as u8))));
        }
        assert!(encode_numbers(&(0..10_000).collect::<Vec<_>>()).len() < 1700);
    }
}
