import { describe, expect, it } from 'vitest';
import { fixBracketPairs } from './bracket-pairs';

describe('lenticular brackets paired with ASCII ones', () => {
  it('makes a 【 or 】 whose partner is an ASCII bracket ASCII', () => {
    expect(fixBracketPairs('[=字符=】所有和 <字符> 等价的字符')).toBe('[=字符=]所有和 <字符> 等价的字符');
    expect(fixBracketPairs('grpck [选项] [group 【shadow ]]')).toBe('grpck [选项] [group [shadow ]]');
  });

  it('keeps Chinese pairs and lone marks', () => {
    expect(fixBracketPairs('【注意】请先安装 [可选]')).toBe('【注意】请先安装 [可选]');
    expect(fixBracketPairs('见上文】')).toBe('见上文】');
  });
});
